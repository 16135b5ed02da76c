"""The server's errors arrive as Python exceptions with its message, and leave the session usable."""

from pathlib import Path

import grpc
import pytest
from conftest import CRC32, REPO, TOKEN_FILE

from compiler_gym_dotnet import (BenchmarkExistsError, CompilerEnv, EnvironmentClosedError, InvalidArgumentError,
                                 SessionRestoredError, UnknownNameError)
from compiler_gym_dotnet._proto import pb, pb_grpc
from compiler_gym_dotnet.errors import from_call_error
from compiler_gym_dotnet.token_file import read

FIXPOINT_FIXTURE = REPO / "tests/fixtures/instcombine-fixpoint.ll"


def test_unknown_action_index(env):
    with pytest.raises(ValueError, match=r"action 1000 is out of range for llvm-22-passes") as raised:
        env.step(1000)
    assert isinstance(raised.value, InvalidArgumentError)
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert env.state.actions == []


def test_unknown_benchmark(env, address):
    with pytest.raises(ValueError, match="no-such-program"):
        env.reset(options={"benchmark": "benchmark://builtin-v0/no-such-program"})
    with CompilerEnv(address, benchmark="benchmark://builtin-v0/no-such-program") as fresh:
        with pytest.raises(ValueError, match="no-such-program"):
            fresh.reset()
    assert env.state.benchmark == CRC32
    env.reset()  # the failed choice was not kept
    assert env.state.benchmark == CRC32


def test_unknown_observation_and_reward_space(env):
    with pytest.raises(ValueError, match="unknown observation space 'NoSuchSpace'"):
        env.observe("NoSuchSpace")
    with pytest.raises(ValueError, match="unknown reward space 'NoSuchReward'"):
        env.step(0, reward_spaces=["NoSuchReward"])
    assert env.state.actions == []


def test_malformed_ir_upload(env):
    with pytest.raises(ValueError, match="invalid LLVM IR") as raised:
        env.add_benchmark("python-client-malformed", "define i32 @f( {\n", format="ir")
    assert "expected type" in str(raised.value)  # LLVM's own diagnostic is passed on
    # The message names the upload, not the server's staging copy of it.
    assert "benchmark://user-v0/python-client-malformed" in str(raised.value)
    assert ".staging" not in str(raised.value)


def test_an_upload_name_taken_by_another_program(env):
    uri = env.add_benchmark("python-client-taken", "define i32 @f() { ret i32 1 }\n", format="ir")
    assert env.add_benchmark("python-client-taken", "define i32 @f() { ret i32 1 }\n", format="ir") == uri
    with pytest.raises(FileExistsError) as raised:
        env.add_benchmark("python-client-taken", "define i32 @f() { ret i32 2 }\n", format="ir")
    assert isinstance(raised.value, BenchmarkExistsError)


def test_closed_session(env):
    forked = env.fork()
    forked.close()
    forked.close()  # idempotent
    for call in (lambda: forked.step(0), lambda: forked.state, forked.fork, forked.reset):
        with pytest.raises(EnvironmentClosedError, match="the environment is closed"):
            call()
    env.step(0)  # the original is untouched


def test_llvm_crash_restores_the_session(address):
    with CompilerEnv(address, benchmark=str(FIXPOINT_FIXTURE), observation_space="IrInstructionCount") as env:
        before, _ = env.reset(options={"custom_actions": ["function(instcombine)"]})
        assert env.action_space.names == ["function(instcombine)"]
        ir_hash = env.observe("IrSha1")

        with pytest.raises(SessionRestoredError) as raised:
            env.step(0)
        assert raised.value.code == grpc.StatusCode.INTERNAL
        assert "function(instcombine)" in str(raised.value)
        assert "fixpoint" in str(raised.value)

        assert env.observe("IrInstructionCount") == before
        assert env.observe("IrSha1") == ir_hash
        state = env.state
        assert state.actions == []
        assert state.custom_actions == ["function(instcombine)"]
        assert Path(FIXPOINT_FIXTURE).as_uri() == state.benchmark


def test_unreachable_server():
    with pytest.raises(ConnectionError):
        CompilerEnv("127.0.0.1:1")  # nothing listens on port 1


def test_an_unknown_name_is_told_by_the_servers_reason_not_its_words(address):
    # The server sends the reason on unary calls (its own lookups, and its workers') and on the stream.
    metadata = (("authorization", f"Bearer {read(TOKEN_FILE)}"),)
    with grpc.insecure_channel(address) as channel, CompilerEnv(address, benchmark=CRC32) as env:
        stub = pb_grpc.CompilerGymStub(channel)
        for method, request in [("GetSpaces", pb.GetSpacesRequest(environment="no-such-env")),
                                ("StartSession", pb.StartSessionRequest(benchmark="benchmark://builtin-v0/nope"))]:
            with pytest.raises(grpc.RpcError) as raised:
                getattr(stub, method)(request, metadata=metadata)
            assert ("cgym-reason", "UNKNOWN_NAME") in raised.value.trailing_metadata(), method
        env.reset()
        calls = stub.Calls(iter([pb.CallRequest(step=pb.StepRequest(session_id=env._session_id, actions=[1000]))]),
                           metadata=metadata)
        assert next(calls).error.reason == "UNKNOWN_NAME"
    # The client goes by it, whatever the wording; without it, only an unknown name's wording counts.
    unknown = pb.CallError(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="no such thing", reason="UNKNOWN_NAME")
    assert isinstance(from_call_error(unknown), UnknownNameError)
    malformed = pb.CallError(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="invalid LLVM IR")
    assert not isinstance(from_call_error(malformed), UnknownNameError)
