"""The server's gRPC status codes as Python exceptions, each keeping the server's message.

Every class derives from :class:`CompilerGymError` (catch that for "anything the server refused")
and from the built-in exception a Python caller would expect, so ``except ValueError`` works.
"""

import re

import grpc


class CompilerGymError(Exception):
    """An error reported by the server; ``code`` is the gRPC status code."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class InvalidArgumentError(CompilerGymError, ValueError):
    """An unknown action, space or benchmark, or a malformed program."""


class UnknownNameError(InvalidArgumentError, KeyError):
    """A name the server does not know: a space, benchmark, dataset or environment, or an action out of range.

    A ``KeyError`` (so a ``LookupError``) too, as unknown names are in CompilerGym.
    """

    def __str__(self):
        return str(self.args[0]) if self.args else ""  # KeyError's own would quote the message


class CallTimeoutError(CompilerGymError, TimeoutError):
    """A call ran past the client's timeout (``timeout=``). The server did not apply it, or undid it."""


class ResetNeededError(CompilerGymError, RuntimeError):
    """A call that needs an episode before the first ``reset()``."""


class EnvironmentClosedError(CompilerGymError, RuntimeError):
    """A call on an environment after its ``close()``."""


class SessionNotFoundError(CompilerGymError, LookupError):
    """The session has ended: closed, or reclaimed by the server after idling."""


class SessionRestoredError(CompilerGymError, RuntimeError):
    """A request on a session crashed LLVM, ran past the time limit or the memory limit.

    The server restored the session in a new worker to its state before the request, so the
    environment can still be used and the failing actions are not part of the episode.
    """


class SessionLostError(SessionNotFoundError):
    """A session's worker failed and the server could not restore the session: it has ended."""


class BenchmarkExistsError(CompilerGymError, FileExistsError):
    """An upload's name is taken by another program."""


class AuthenticationError(CompilerGymError, PermissionError):
    """A missing or wrong bearer token, or a request this server does not allow."""


class ServerUnavailableError(CompilerGymError, ConnectionError):
    """The server cannot be reached."""


class InapplicableActionError(CompilerGymError, ValueError):
    """An action that does not apply to the program in its current state; the session is unchanged."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: SessionNotFoundError,
    grpc.StatusCode.ABORTED: SessionLostError,
    grpc.StatusCode.ALREADY_EXISTS: BenchmarkExistsError,
    grpc.StatusCode.UNAUTHENTICATED: AuthenticationError,
    grpc.StatusCode.PERMISSION_DENIED: AuthenticationError,
    grpc.StatusCode.UNAVAILABLE: ServerUnavailableError,
}

# The server's machine-readable reasons (the trailer cgym-reason, or CallError.reason), where the code alone does not tell.
_BY_REASON = {
    (grpc.StatusCode.FAILED_PRECONDITION, "INAPPLICABLE_ACTION"): InapplicableActionError,
    (grpc.StatusCode.INVALID_ARGUMENT, "UNKNOWN_NAME"): UnknownNameError,
}
# How a server that gives no reason for an unknown name words it (INVALID_ARGUMENT also covers malformed programs).
_UNKNOWN_NAME = re.compile(r"^(unknown (observation space|reward space|action space|environment|dataset|benchmark)|no benchmark|no dataset"
                           r"|action -?\d+ is out of range)")
_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}

# Codes after which the server has restored the session (see the contract's comments).
_RESTORED = (grpc.StatusCode.INTERNAL, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED)


def from_rpc_error(error, restores=False):
    """The exception for a failed unary call; ``restores``: the server restores the session after it fails."""
    reason = dict(error.trailing_metadata() or ()).get("cgym-reason", "")
    return _exception(error.code(), error.details(), reason, restores)


def from_call_error(error, restores=False):
    """The exception for a failed call on the Calls stream (a CallError)."""
    return _exception(_BY_NUMBER.get(error.code, grpc.StatusCode.UNKNOWN), error.message, error.reason, restores)


def _exception(code, message, reason, restores):
    message = message or str(code)
    if (code, reason) in _BY_REASON:
        return _BY_REASON[code, reason](message, code)
    if code == grpc.StatusCode.INVALID_ARGUMENT and not reason and _UNKNOWN_NAME.match(message):
        return UnknownNameError(message, code)
    cls = SessionRestoredError if restores and code in _RESTORED else _BY_CODE.get(code, CompilerGymError)
    return cls(message, code)
