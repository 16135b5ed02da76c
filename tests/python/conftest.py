"""Fixtures: a real `cgym serve` process for the whole session, and environments on it.

The tests use the package in src/python, its gRPC stubs generated there first by the package's
build step (src/python/generate_stubs.py; it does nothing while they are newer than the .proto).

The server command is $CGYM_SERVE_COMMAND (a shell-style command line) if set, else the Debug
build of the repository's `cgym serve`; `--port 0` is appended and the address read from the
server's "listening on" line. Servers and clients share a temporary default token file, so the
tests neither depend on nor change the user's own.
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src" / "python"))
from generate_stubs import generate  # noqa: E402

generate()
from compiler_gym_dotnet import CompilerEnv  # noqa: E402
from compiler_gym_dotnet.token_file import PATH_VARIABLE  # noqa: E402

_TOKEN_FOLDER = tempfile.TemporaryDirectory(prefix="cgym-token-")
TOKEN_FILE = Path(_TOKEN_FOLDER.name) / "token"
os.environ[PATH_VARIABLE] = str(TOKEN_FILE)

CRC32 = "benchmark://builtin-v0/crc32"
START_TIMEOUT_SECONDS = 120  # a cold start on a busy 2-core machine takes a while
_LISTENING = re.compile(r"^cgym serve: listening on http://(\S+)$", re.M)


def serve_command():
    command = os.environ.get("CGYM_SERVE_COMMAND")
    if command:
        return shlex.split(command)
    return ["dotnet", str(REPO / "src/CompilerGym.Cli/bin/Debug/net10.0/cgym.dll"), "serve"]


def cli_command():
    """The same `cgym` as the server, for other subcommands: the serve command up to `serve`."""
    command = serve_command()
    if "serve" not in command:
        pytest.fail(f"cannot find the cgym command in {command}: it has no 'serve'")
    return command[:command.index("serve")]


class Server:
    """A `cgym serve` process on a free port; its output goes to files, so it never blocks on a pipe."""

    def __init__(self, *flags, env=None):
        self._logs = tempfile.TemporaryDirectory(prefix="cgym-serve-")
        self.stdout_path = Path(self._logs.name) / "stdout"
        self.stderr_path = Path(self._logs.name) / "stderr"
        command = serve_command() + ["--port", "0", *flags]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env={**os.environ, **(env or {})})
        self.address = self._wait_for_address(command)

    def _wait_for_address(self, command):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            match = _LISTENING.search(self.stdout_path.read_text(errors="replace"))
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                self._fail(f"exited with code {self.process.returncode}", command)
            time.sleep(0.1)
        self._fail(f"printed no 'cgym serve: listening on' line within {START_TIMEOUT_SECONDS} s", command)

    def _fail(self, what, command):
        message = (f"the server `{shlex.join(command)}` {what}.\nstderr:\n{self.stderr_path.read_text()}"
                   f"\nstdout:\n{self.stdout_path.read_text()}")
        self.stop()
        pytest.fail(message, pytrace=False)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._logs.cleanup()


@pytest.fixture(scope="session")
def server():
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def address(server):
    return server.address


@pytest.fixture
def env(address):
    """An environment on crc32, reset, with no observation or reward space of its own."""
    with CompilerEnv(address, benchmark=CRC32) as env:
        env.reset()
        yield env
