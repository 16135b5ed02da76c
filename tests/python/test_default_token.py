"""A server given no token uses the one in the default token file, on loopback too, and clients find it."""

import stat

import pytest
from conftest import TOKEN_FILE

from compiler_gym_dotnet import AuthenticationError, CompilerEnv
from compiler_gym_dotnet import token_file


def test_a_client_given_no_token_sends_the_one_in_the_token_file(address, monkeypatch):
    with CompilerEnv(address) as env:
        assert env.version()["protocol"] == "compiler_gym.v1"
    # The same client, its default token file elsewhere, is refused and told where the server's is.
    monkeypatch.setenv(token_file.PATH_VARIABLE, str(TOKEN_FILE.parent / "elsewhere"))
    with pytest.raises(AuthenticationError, match="needs a token") as raised:
        CompilerEnv(address)
    assert f"(the token is in {TOKEN_FILE})" in str(raised.value)


def test_the_server_made_the_token_file_private_to_its_user(server):
    assert stat.S_IMODE(TOKEN_FILE.stat().st_mode) == 0o600
    assert len(token_file.read(TOKEN_FILE)) == 64
