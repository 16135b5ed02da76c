"""Where the default token file is, when clients send its token, and which token files are refused."""

import re

import pytest

from compiler_gym_dotnet import token_file


@pytest.mark.parametrize("variables, expected", [
    ({"CGYM_TOKEN_FILE": "/run/t", "XDG_CONFIG_HOME": "/xdg"}, "/run/t"),
    ({"CGYM_TOKEN_FILE": "", "XDG_CONFIG_HOME": "/xdg"}, "/xdg/compiler-gym-dotnet/token"),
    ({"XDG_CONFIG_HOME": ""}, "/home/u/.config/compiler-gym-dotnet/token"),
    ({}, "/home/u/.config/compiler-gym-dotnet/token"),
])
def test_the_default_token_file_is_as_for_the_dotnet_clients(monkeypatch, variables, expected):
    monkeypatch.setenv("HOME", "/home/u")
    for name in ("CGYM_TOKEN_FILE", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert str(token_file.default_path()) == expected


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1:50051", True), ("http://127.8.9.10:50051", True), ("[::1]:50051", True),
    ("https://LocalHost:50051", True), ("10.0.0.1:50051", False), ("[2001:db8::1]:50051", False),
    ("example.org:50051", False), ("localhost.example.org:50051", False),
])
def test_only_a_loopback_server_gets_the_default_files_token(monkeypatch, tmp_path, address, loopback):
    path = tmp_path / "token"
    path.write_text("s3cret\n")
    path.chmod(0o600)
    monkeypatch.setenv(token_file.PATH_VARIABLE, str(path))
    assert token_file.default_token_for(address) == ("s3cret" if loopback else None)


def test_a_token_file_other_users_may_read_is_refused(tmp_path):
    path = tmp_path / "token"
    path.write_text("s3cret\n")
    path.chmod(0o640)
    with pytest.raises(PermissionError, match=re.escape(f"chmod 600 {path}")):
        token_file.read(path)


@pytest.mark.parametrize("content", ["", "two words"])
def test_a_token_file_without_one_header_safe_token_is_refused(tmp_path, content):
    path = tmp_path / "token"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(ValueError, match="must hold one token"):
        token_file.read(path)
