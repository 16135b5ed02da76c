"""The server's gRPC status codes as Python exceptions, each keeping the server's message.

Every class derives from :class:`CompilerGymError` (catch that for "anything the server refused")
and from the built-in exception a Python caller would expect, so ``except ValueError`` works.
"""

import grpc


class CompilerGymError(Exception):
    """An error reported by the server; ``code`` is the gRPC status code."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class InvalidArgumentError(CompilerGymError, ValueError):
    """An unknown action, space or benchmark, or a malformed program."""


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

# Codes after which the server has restored the session (see the contract's comments).
_RESTORED = (grpc.StatusCode.INTERNAL, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED)


def from_rpc_error(error, restores=False):
    """The exception for a failed call; ``restores``: the server restores the session after it fails."""
    code = error.code()
    if code == grpc.StatusCode.FAILED_PRECONDITION and ("cgym-reason", "INAPPLICABLE_ACTION") in tuple(error.trailing_metadata() or ()):
        return InapplicableActionError(error.details(), code)
    cls = SessionRestoredError if restores and code in _RESTORED else _BY_CODE.get(code, CompilerGymError)
    return cls(error.details() or str(code), code)
