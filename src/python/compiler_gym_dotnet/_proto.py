"""The gRPC stubs, generated from the repository's proto/ on first use.

Generated code is not committed: the contract is the .proto file, and protoc's output depends on
the protoc at hand. The stubs are written to ``_generated/`` in this package and rebuilt whenever
the .proto is newer than them.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PROTO_ROOT = Path(__file__).resolve().parents[3] / "proto"
PROTO_FILE = "compiler_gym/v1/compiler_gym.proto"
OUT_DIR = Path(__file__).resolve().parent / "_generated"
_MODULES = ("compiler_gym_pb2.py", "compiler_gym_pb2_grpc.py")


def generate(force=False):
    """Runs protoc (grpc_tools) unless the generated stubs are newer than the .proto."""
    source = PROTO_ROOT / PROTO_FILE
    targets = [OUT_DIR / name for name in _MODULES]
    if not source.exists():
        if all(t.exists() for t in targets):
            return  # a copy of the package without the repository: use what was generated
        raise FileNotFoundError(f"the gRPC contract {source} is missing, and no stubs were generated")
    if not force and all(t.exists() and t.stat().st_mtime >= source.stat().st_mtime for t in targets):
        return

    OUT_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT_DIR) as tmp:
        run = subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_ROOT}",
             f"--python_out={tmp}", f"--grpc_python_out={tmp}", str(source)],
            capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"protoc failed on {source} (is python3-grpc-tools installed?):\n{run.stderr}")
        generated = Path(tmp) / Path(PROTO_FILE).parent
        # protoc imports the messages absolutely (`from compiler_gym.v1 import ...`); the stubs live
        # flat in this package instead, so that no top-level `compiler_gym` shadows other packages.
        grpc_module = generated / "compiler_gym_pb2_grpc.py"
        text, count = re.subn(r"^from compiler_gym\.v1 import ", "from . import ", grpc_module.read_text(), flags=re.M)
        if count != 1:
            raise RuntimeError(f"unexpected protoc output in {grpc_module}: no import of compiler_gym_pb2 to fix")
        grpc_module.write_text(text)
        (OUT_DIR / "__init__.py").touch()
        for name in _MODULES:  # replace atomically: another process may be importing them
            os.replace(generated / name, OUT_DIR / name)


generate()

from ._generated import compiler_gym_pb2 as pb  # noqa: E402
from ._generated import compiler_gym_pb2_grpc as pb_grpc  # noqa: E402
