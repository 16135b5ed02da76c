"""Generates the gRPC stubs from the .proto contract into compiler_gym_dotnet/_generated/.

The build step of the package (setup.py runs it into the build folder) and, for use straight from
the repository, ``python3 src/python/generate_stubs.py``. Generated code is not committed: the
contract is the .proto file, and protoc's output depends on the protoc at hand. The package itself
never runs protoc, so importing it writes nothing.

The contract is the repository's proto/ in a checkout, else the copy in proto/ beside this file,
which only an sdist has (setup.py copies it there when it makes one).
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTO_FILE = "compiler_gym/v1/compiler_gym.proto"
REPO_PROTO_ROOT = HERE.parent.parent / "proto"  # not parents[1]: an sdist unpacked at /x has none
SDIST_PROTO_ROOT = HERE / "proto"
PACKAGE_DIR = HERE / "compiler_gym_dotnet"
MODULES = ("compiler_gym_pb2.py", "compiler_gym_pb2_grpc.py")


def proto_root():
    """The -I folder of the contract: the repository's proto/, so that a checkout always builds
    from the real contract, else the sdist's copy."""
    for root in (REPO_PROTO_ROOT, SDIST_PROTO_ROOT):
        if (root / PROTO_FILE).exists():
            return root
    raise FileNotFoundError(f"the gRPC contract {PROTO_FILE} is in neither {REPO_PROTO_ROOT} nor {SDIST_PROTO_ROOT}: "
                            "build from a checkout of the repository or from its sdist")


def generate(package_dir=PACKAGE_DIR, force=False):
    """Runs protoc (grpc_tools) into ``package_dir``/_generated unless its stubs are newer than the .proto."""
    root = proto_root()
    source = root / PROTO_FILE
    out_dir = Path(package_dir) / "_generated"
    targets = [out_dir / name for name in MODULES]
    if not force and all(t.exists() and t.stat().st_mtime >= source.stat().st_mtime for t in targets):
        return out_dir

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        run = subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", f"-I{root}",
             f"--python_out={tmp}", f"--grpc_python_out={tmp}", str(source)],
            capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"protoc failed on {source} (is python3-grpc-tools installed?):\n{run.stderr}")
        generated = Path(tmp) / Path(PROTO_FILE).parent
        # protoc imports the messages absolutely (`from compiler_gym.v1 import ...`); the stubs live
        # flat in the package instead, so that no top-level `compiler_gym` shadows other packages.
        grpc_module = generated / "compiler_gym_pb2_grpc.py"
        text, count = re.subn(r"^from compiler_gym\.v1 import ", "from . import ", grpc_module.read_text(), flags=re.M)
        if count != 1:
            raise RuntimeError(f"unexpected protoc output in {grpc_module}: no import of compiler_gym_pb2 to fix")
        grpc_module.write_text(text)
        (out_dir / "__init__.py").touch()
        for name in MODULES:  # replace atomically: another process may be importing them
            os.replace(generated / name, out_dir / name)
    return out_dir


if __name__ == "__main__":
    print(f"generated the gRPC stubs in {generate(force='--force' in sys.argv)}")
