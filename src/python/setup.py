"""The build steps pyproject.toml cannot declare: the gRPC stubs, generated from the .proto into
the build, and the .proto itself put into the sdist, which builds away from the repository."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_stubs import PROTO_FILE, generate, proto_root  # noqa: E402


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            generate(Path(self.build_lib) / "compiler_gym_dotnet", force=True)


class SdistWithProto(sdist):
    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        # Copied rather than listed in MANIFEST.in, which cannot reach outside this folder; at proto/,
        # where generate_stubs looks when there is no repository around the sdist.
        target = Path(base_dir) / "proto" / PROTO_FILE
        self.mkpath(str(target.parent))
        self.copy_file(str(proto_root() / PROTO_FILE), str(target))


setup(cmdclass={"build_py": BuildWithStubs, "sdist": SdistWithProto})
