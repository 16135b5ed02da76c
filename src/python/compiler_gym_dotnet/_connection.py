"""A channel to the server: unary calls, and the Calls stream, both with per-call timeouts."""

import queue
import threading
import time
import weakref

import grpc

from ._proto import pb_grpc
from .errors import CallTimeoutError, from_call_error, from_rpc_error
from .token_file import default_token_for

# How often the stream's watchdog looks for a call past its timeout (so how late it may notice).
_WATCH_PERIOD_SECONDS = 0.05


class Connection:
    """A channel shared by an environment and its forks (or a vector environment's sessions), closed with the last of them."""

    def __init__(self, address, token):
        token = token or default_token_for(address)
        options = [("grpc.max_receive_message_length", -1)]  # the IR of a large program passes 4 MiB
        if address.startswith("https://"):
            self.channel = grpc.secure_channel(address[len("https://"):], grpc.ssl_channel_credentials(), options)
        else:
            self.channel = grpc.insecure_channel(address.removeprefix("http://"), options)
        self.stub = pb_grpc.CompilerGymStub(self.channel)
        self.metadata = (("authorization", f"Bearer {token}"),) if token else None
        self.users = 1
        self._streams = weakref.WeakSet()
        self._released = threading.Event()
        self._watchdog = None

    def call(self, method, request, timeout, restores=False):
        """Calls ``method``; a failure raises the matching exception from .errors."""
        started = time.monotonic()
        try:
            return getattr(self.stub, method)(request, metadata=self.metadata, timeout=timeout)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED and time.monotonic() - started >= timeout:
                raise CallTimeoutError(f"{method} got no answer within {timeout:g} s (the client's timeout)", error.code()) from None
            raise from_rpc_error(error, restores) from None

    def release(self):
        self.users -= 1
        if self.users == 0:
            self._released.set()
            self.channel.close()

    def watch(self, stream):
        """Has the connection's one watchdog thread cancel ``stream``'s calls past their timeout."""
        self._streams.add(stream)
        if self._watchdog is None:
            self._watchdog = threading.Thread(target=self._watch, name="cgym-stream-watchdog", daemon=True)
            self._watchdog.start()

    def _watch(self):
        while not self._released.wait(_WATCH_PERIOD_SECONDS):
            now = time.monotonic()
            for stream in list(self._streams):
                stream.cancel_if_late(now)


class Stream:
    """The Calls stream: session calls answered in order over one HTTP/2 stream, cheaper per call than unary calls.

    A call past its timeout cancels the stream (the server then undoes or drops that call); the next
    call opens a new one.
    """

    def __init__(self, connection):
        self._connection = connection
        self._lock = threading.Lock()
        self._watch = threading.Lock()  # the deadline, between a call and the watchdog
        self._replies = None
        self._deadline = None
        self._timed_out = False

    def call(self, request, timeout, restores=False):
        """Sends a CallRequest and returns its reply's value (a StepReply, ...); a CallError raises."""
        with self._lock:
            self.send(request)
            return self.receive(timeout, restores)

    def send(self, request):
        """Sends a CallRequest without waiting: ``receive`` gets its reply (replies come in order)."""
        if self._replies is None:
            self._open()
        self._requests.put(request)

    def receive(self, timeout, restores=False):
        """The value of the next reply, waiting at most ``timeout`` seconds."""
        with self._watch:
            self._timed_out = False
            self._deadline = time.monotonic() + timeout
        try:
            reply = next(self._replies)
        except grpc.RpcError as error:
            self._drop()
            if self._timed_out:
                raise CallTimeoutError(f"no answer within {timeout:g} s (the client's timeout)",
                                       grpc.StatusCode.DEADLINE_EXCEEDED) from None
            raise from_rpc_error(error, restores) from None
        finally:
            with self._watch:
                self._deadline = None
        if self._timed_out:
            # The answer came as the watchdog cancelled the stream: it stands, and the next call opens a new stream.
            self._drop()
        kind = reply.WhichOneof("kind")
        if kind == "error":
            raise from_call_error(reply.error, restores)
        return getattr(reply, kind)

    def close(self):
        with self._lock:
            if self._replies is not None:
                self._requests.put(None)  # ends the request stream: the server ends the call
                self._replies.cancel()
                self._replies = None

    def cancel_if_late(self, now):
        with self._watch:
            if self._deadline is not None and self._replies is not None and now > self._deadline:
                self._timed_out = True
                self._replies.cancel()

    def _drop(self):
        """Forgets a stream that ended, ending its request iterator, whose thread would otherwise wait forever."""
        self._requests.put(None)
        self._replies = None

    def _open(self):
        self._requests = queue.SimpleQueue()
        self._replies = self._connection.stub.Calls(iter(self._requests.get, None), metadata=self._connection.metadata)
        self._connection.watch(self)
