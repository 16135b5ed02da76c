"""The gRPC stubs are generated from proto/ on import, and again when the .proto is newer."""

import os
import subprocess
import sys

from conftest import REPO

from compiler_gym_dotnet import _proto


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], cwd=REPO / "src/python", capture_output=True, text=True,
                          timeout=120)


def test_stale_stubs_are_regenerated_on_import():
    stub = _proto.OUT_DIR / "compiler_gym_pb2.py"
    proto_time = (_proto.PROTO_ROOT / _proto.PROTO_FILE).stat().st_mtime
    os.utime(stub, (proto_time - 60, proto_time - 60))

    run = run_python("import compiler_gym_dotnet")
    assert run.returncode == 0, run.stderr
    assert stub.stat().st_mtime >= proto_time


def test_generate_command():
    run = subprocess.run([sys.executable, "-m", "compiler_gym_dotnet.generate"], cwd=REPO / "src/python",
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "generated the gRPC stubs" in run.stdout
    run = run_python("from compiler_gym_dotnet._proto import pb; print(pb.StepReply().reward.DESCRIPTOR.full_name)")
    assert run.stdout.strip() == "google.protobuf.DoubleValue", run.stderr
