"""A second server with a token and a short idle time-out."""

import time

import pytest
from conftest import CRC32, Server

from compiler_gym_dotnet import AuthenticationError, CompilerEnv, SessionNotFoundError
from compiler_gym_dotnet.token_file import PATH_VARIABLE

TOKEN = "secret"
IDLE_TIMEOUT_SECONDS = 1
REAP_INTERVAL_SECONDS = 0.5


@pytest.fixture(scope="module")
def strict_server():
    server = Server("--token", TOKEN, "--idle-timeout", str(IDLE_TIMEOUT_SECONDS),
                    env={"CGYM_Service__ReapIntervalSeconds": str(REAP_INTERVAL_SECONDS)})
    yield server
    server.stop()


def test_missing_token_is_refused(strict_server, monkeypatch, tmp_path):
    # Not even the default token file's (a token given on the command line is in no file).
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path / "no-token"))
    with pytest.raises(PermissionError, match="needs a token") as raised:
        CompilerEnv(strict_server.address)
    assert isinstance(raised.value, AuthenticationError)


def test_wrong_token_is_refused(strict_server):
    with pytest.raises(PermissionError, match="token is wrong"):
        CompilerEnv(strict_server.address, token="not-the-secret")


def test_right_token_works(strict_server):
    with CompilerEnv(strict_server.address, token=TOKEN, benchmark=CRC32,
                     observation_space="IrInstructionCount") as env:
        observation, _ = env.reset()
        assert observation > 0
        env.step(0)
        assert len(env.state.actions) == 1


def test_idle_session_is_reclaimed(strict_server):
    with CompilerEnv(strict_server.address, token=TOKEN, benchmark=CRC32) as env:
        env.reset()
        time.sleep(IDLE_TIMEOUT_SECONDS + 3 * REAP_INTERVAL_SECONDS)
        with pytest.raises(SessionNotFoundError, match="unknown session"):
            env.step(0)
    # Leaving the `with` closed the reclaimed session without an error.
