"""The build step pyproject.toml cannot declare: the gRPC stubs, generated from proto/ into the build."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_stubs import generate  # noqa: E402


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            generate(Path(self.build_lib) / "compiler_gym_dotnet", force=True)


setup(cmdclass={"build_py": BuildWithStubs})
