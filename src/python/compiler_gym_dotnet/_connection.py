"""Channels to the server's gateways: unary calls, and the Calls stream, both with per-call timeouts.

An address is one gateway ("host:port", http:// or https://) or several separated by commas, the
gateways of a cluster, any of which serves every session. Calls go through one gateway; when it is
gone (UNAVAILABLE, or its stream broke) the call goes again through the next, each once.
"""

import os
import queue
import threading
import time
import weakref

import grpc

from ._proto import pb_grpc
from .errors import CallTimeoutError, ServerUnavailableError, from_call_error, from_rpc_error
from .token_file import default_token_for

# Where an environment connects without an address: $CGYM_ADDRESS, else `cgym serve`'s default.
ADDRESS_VARIABLE = "CGYM_ADDRESS"
DEFAULT_ADDRESS = "127.0.0.1:50051"

# How often the stream's watchdog looks for a call past its timeout (so how late it may notice).
_WATCH_PERIOD_SECONDS = 0.05


def gateway_addresses(address):
    """The addresses in ``address`` (comma-separated; None: $CGYM_ADDRESS, else DEFAULT_ADDRESS)."""
    address = address or os.environ.get(ADDRESS_VARIABLE) or DEFAULT_ADDRESS
    addresses = [a.strip() for a in address.split(",") if a.strip()]
    if not addresses:
        raise ValueError(f"server address {address!r} names no HOST:PORT")
    return addresses


def _authority(address):
    """``host:port`` of an address given with or without its scheme."""
    return address.strip().removeprefix("http://").removeprefix("https://").rstrip("/").lower()


class _Gateway:
    """One address, with its channel and the token it is sent (each address's own default, as with one address)."""

    def __init__(self, address, token):
        self.address = address
        token = token or default_token_for(address)
        options = [("grpc.max_receive_message_length", -1)]  # the IR of a large program passes 4 MiB
        if address.startswith("https://"):
            self.channel = grpc.secure_channel(address[len("https://"):], grpc.ssl_channel_credentials(), options)
        else:
            self.channel = grpc.insecure_channel(address.removeprefix("http://"), options)
        self.stub = pb_grpc.CompilerGymStub(self.channel)
        self.metadata = (("authorization", f"Bearer {token}"),) if token else None


class Connection:
    """Gateways shared by an environment and its forks (or a vector environment's sessions), closed with the last of them."""

    def __init__(self, address, token):
        self._gateways = [_Gateway(a, token) for a in gateway_addresses(address)]
        self._current = self._gateways[0]
        self._moving = threading.Lock()
        self.users = 1
        self._streams = weakref.WeakSet()
        self._released = threading.Event()
        self._watchdog = None

    @property
    def gateway(self):
        """The gateway calls go through."""
        return self._current

    def call(self, method, request, timeout, restores=False):
        """Calls ``method``; a failure raises the matching exception from .errors."""
        gateway, tried = self._current, []
        while True:
            started = time.monotonic()
            try:
                return getattr(gateway.stub, method)(request, metadata=gateway.metadata, timeout=timeout)
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED and time.monotonic() - started >= timeout:
                    raise CallTimeoutError(f"{method} got no answer within {timeout:g} s (the client's timeout)", error.code()) from None
                following = self.next_gateway(gateway, error, tried)
                if following is None:
                    raise from_rpc_error(error, restores) from None
                gateway = following

    def next_gateway(self, failed, error, tried):
        """Where a call that failed with ``error`` through ``failed`` goes next, None if nowhere: the server answered it, or there is no other gateway.

        ``tried`` collects the addresses that failed this call; once it holds all, it raises.
        """
        if error.code() != grpc.StatusCode.UNAVAILABLE or len(self._gateways) == 1:
            return None
        tried.append(failed.address)
        if len(tried) == len(self._gateways):
            raise ServerUnavailableError(f"no server answered at {', '.join(tried)}: {error.details()}", error.code()) from None
        following = self._gateways[(self._gateways.index(failed) + 1) % len(self._gateways)]
        with self._moving:
            if self._current is failed:  # the env and its forks move on together, unless one of them has already
                self._current = following
        return following

    def follow(self, session_gateway):
        """Sends the calls through ``session_gateway`` (where a cluster says a new session lives: its
        silo's own gateway, which serves it with no hop from another silo) when that is one of these
        addresses and the connection serves no other session. An address the server names that the
        client was not given is never dialled."""
        if len(self._gateways) == 1 or self.users != 1:
            return
        named = {_authority(a) for a in session_gateway.split(",") if a.strip()}
        for gateway in self._gateways:
            if _authority(gateway.address) in named:
                with self._moving:
                    self._current = gateway
                return

    def release(self):
        self.users -= 1
        if self.users == 0:
            self._released.set()
            for gateway in self._gateways:
                gateway.channel.close()

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
    call opens a new one. A call whose gateway is gone is sent again, the same request, on a stream
    through the next (a step's ``request_id`` keeps a server that applied it from applying it twice).
    """

    def __init__(self, connection):
        self._connection = connection
        self._lock = threading.Lock()
        self._watch = threading.Lock()  # the deadline, between a call and the watchdog
        self._replies = None
        self._gateway = None
        self._unanswered = None  # the request sent whose reply is still to come, for sending again elsewhere
        self._deadline = None
        self._timed_out = False

    def call(self, request, timeout, restores=False):
        """Sends a CallRequest and returns its reply's value (a StepReply, ...); a CallError raises."""
        with self._lock:
            self.send(request)
            return self.receive(timeout, restores)

    def send(self, request):
        """Sends a CallRequest without waiting: ``receive`` gets its reply (replies come in order)."""
        self._unanswered = request
        self._send(request, self._connection.gateway)

    def receive(self, timeout, restores=False):
        """The value of the next reply, waiting at most ``timeout`` seconds (through each gateway tried)."""
        tried = []
        while True:
            try:
                reply = self._next_reply(timeout)
                break
            except grpc.RpcError as error:
                following = self._connection.next_gateway(self._gateway, error, tried)
                if following is None:
                    raise from_rpc_error(error, restores) from None
                self._send(self._unanswered, following)
        self._unanswered = None
        kind = reply.WhichOneof("kind")
        if kind == "error":  # the server's answer: never sent again
            raise from_call_error(reply.error, restores)
        return getattr(reply, kind)

    def close(self):
        with self._lock:
            self._end()

    def cancel_if_late(self, now):
        with self._watch:
            if self._deadline is not None and self._replies is not None and now > self._deadline:
                self._timed_out = True
                self._replies.cancel()

    def _send(self, request, gateway):
        if self._replies is not None and self._gateway is not gateway:
            self._end()  # a stream through a gateway the calls have moved away from
        if self._replies is None:
            self._open(gateway)
        self._requests.put(request)

    def _next_reply(self, timeout):
        """The next reply on the stream; a stream that ended raises its RpcError, a timeout CallTimeoutError."""
        with self._watch:
            self._timed_out = False
            self._deadline = time.monotonic() + timeout
        try:
            reply = next(self._replies)
        except grpc.RpcError:
            self._drop()
            if self._timed_out:
                raise CallTimeoutError(f"no answer within {timeout:g} s (the client's timeout)",
                                       grpc.StatusCode.DEADLINE_EXCEEDED) from None
            raise
        finally:
            with self._watch:
                self._deadline = None
        if self._timed_out:
            # The answer came as the watchdog cancelled the stream: it stands, and the next call opens a new stream.
            self._drop()
        return reply

    def _end(self):
        if self._replies is not None:
            self._requests.put(None)  # ends the request stream: the server ends the call
            self._replies.cancel()
            self._replies = None

    def _drop(self):
        """Forgets a stream that ended, ending its request iterator, whose thread would otherwise wait forever."""
        self._requests.put(None)
        self._replies = None

    def _open(self, gateway):
        self._requests = queue.SimpleQueue()
        self._gateway = gateway
        self._replies = gateway.stub.Calls(iter(self._requests.get, None), metadata=gateway.metadata)
        self._connection.watch(self)
