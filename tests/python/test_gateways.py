"""Several gateways in one address: a call whose gateway is gone goes again through the next."""

import socket
from concurrent import futures

import grpc
import pytest
from conftest import CRC32, Server

from compiler_gym_dotnet import CompilerEnv, ServerUnavailableError, SessionNotFoundError, make, make_vec
from compiler_gym_dotnet._connection import Connection, Stream, gateway_addresses
from compiler_gym_dotnet._proto import pb, pb_grpc
from compiler_gym_dotnet.env import step_request
from compiler_gym_dotnet.errors import InvalidArgumentError


def dead_address():
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def test_an_address_list_is_split_on_commas(monkeypatch):
    assert gateway_addresses(" a:1, http://b:2 ,") == ["a:1", "http://b:2"]
    monkeypatch.setenv("CGYM_ADDRESS", "c:3,d:4")
    assert gateway_addresses(None) == ["c:3", "d:4"]
    monkeypatch.delenv("CGYM_ADDRESS")
    assert gateway_addresses(None) == ["127.0.0.1:50051"]
    with pytest.raises(ValueError):
        gateway_addresses(" , ")


def test_a_dead_first_gateway_is_skipped(address):
    with CompilerEnv(f"{dead_address()}, http://{address}", benchmark=CRC32) as env:
        env.reset()
        env.step(0)
        assert env.state.actions == [env.action_space.names[0]]


def test_make_takes_gateways_from_the_environment(address, monkeypatch):
    monkeypatch.setenv("CGYM_ADDRESS", f"{dead_address()},{address}")
    with make("llvm-v0") as env:
        env.reset()
        env.step(0)


def test_a_vector_environment_skips_a_dead_gateway(address):
    with make_vec("llvm-v0", 2, f"{dead_address()},{address}", max_episode_steps=5) as envs:
        envs.reset(seed=0)
        envs.step([0, 1])


def test_every_gateway_gone_names_them_all():
    first, second = dead_address(), dead_address()
    with pytest.raises(ServerUnavailableError) as raised:
        CompilerEnv(f"{first},{second}")
    assert first in str(raised.value) and second in str(raised.value)


def test_a_gateway_stopped_mid_episode_hands_the_calls_to_the_next(address):
    first = Server()
    try:
        env = CompilerEnv(f"{first.address},{address}", benchmark=CRC32)
        env.reset()
        env.step(0)
        first.stop()
        # The single-process server behind the second gateway does not know the session: it answered.
        with pytest.raises(SessionNotFoundError, match="unknown session"):
            env.step(0)
        with pytest.raises(SessionNotFoundError, match="unknown session"):
            env.fork()  # a unary call goes there too
        env.close()
    finally:
        first.stop()


class FakeGateway(pb_grpc.CompilerGymServicer):
    """A gateway whose Calls stream records each request, and answers it with ``answer(request, context)``."""

    def __init__(self, answer):
        self.requests = []
        self._answer = answer
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        pb_grpc.add_CompilerGymServicer_to_server(self, self._server)
        self.address = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"
        self._server.start()

    def Calls(self, requests, context):
        for request in requests:
            self.requests.append(request)
            yield self._answer(request, context)

    def GetVersion(self, request, context):
        self.requests.append(request)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "refused")

    def stop(self):
        self._server.stop(None)


def gone(request, context):
    context.abort(grpc.StatusCode.UNAVAILABLE, "going away")


def stepped(request, context):
    return pb.CallReply(step=pb.StepReply(ir_changed=True))


def refused(request, context):
    return pb.CallReply(error=pb.CallError(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="refused"))


@pytest.fixture
def gateways(request):
    made = []

    def make_gateways(*answers):
        made.extend(FakeGateway(answer) for answer in answers)
        connection = Connection(",".join(g.address for g in made), "token")
        request.addfinalizer(connection.release)
        return made, Stream(connection)

    yield make_gateways
    for gateway in made:
        gateway.stop()


def test_a_retried_step_carries_the_same_request_id_and_each_step_a_fresh_one(gateways):
    (first, second), stream = gateways(gone, stepped)
    assert stream.call(pb.CallRequest(step=step_request(session_id="s", actions=[0])), timeout=30).ir_changed
    assert stream.call(pb.CallRequest(step=step_request(session_id="s", actions=[1])), timeout=30).ir_changed
    assert len(first.requests) == 1  # the calls stay with the gateway that answered
    retried, later = (r.step.request_id for r in second.requests)
    assert retried == first.requests[0].step.request_id and later != retried and len(later) == 32


def test_an_error_the_server_answers_is_not_sent_again(gateways):
    (first, second), stream = gateways(refused, stepped)
    with pytest.raises(InvalidArgumentError, match="refused"):
        stream.call(pb.CallRequest(step=step_request(session_id="s")), timeout=30)
    with pytest.raises(InvalidArgumentError, match="refused"):
        stream._connection.call("GetVersion", pb.GetVersionRequest(), timeout=30)
    assert len(first.requests) == 2 and second.requests == []


TOY_SPACE = pb.Space(name="toy", kind=pb.SPACE_KIND_DISCRETE, names=["add-one", "add-two"])


class StartingGateway(FakeGateway):
    """A gateway offering one action space, whose StartSession and Fork record each request and answer it with ``answer(request, context)``."""

    def GetSpaces(self, request, context):
        return pb.GetSpacesReply(environment="toy", default_action_space="toy", action_spaces=[TOY_SPACE])

    def StartSession(self, request, context):
        self.requests.append(request)
        return self._answer(request, context)

    def Fork(self, request, context):
        self.requests.append(request)
        return self._answer(request, context)

    def EndSession(self, request, context):
        return pb.EndSessionReply()


def started(request, context):
    return pb.StartSessionReply(session_id=f"s-{request.request_id}", action_space=TOY_SPACE, benchmark=request.benchmark)


def test_a_retried_start_carries_the_same_request_id_and_each_start_a_fresh_one():
    first, second = StartingGateway(gone), StartingGateway(started)
    try:
        for _ in range(2):
            with CompilerEnv(f"{first.address},{second.address}", token="token", benchmark="benchmark://toy/one") as env:
                env.reset()
        sent, retried = [r.request_id for r in first.requests], [r.request_id for r in second.requests]
        assert sent == retried and len(set(sent)) == 2 and all(len(i) == 32 for i in sent)
    finally:
        first.stop()
        second.stop()


def forked(request, context):
    return pb.ForkReply(session_id=f"f-{request.request_id}")


def started_but_gone_at_a_fork(request, context):
    return gone(request, context) if isinstance(request, pb.ForkRequest) else started(request, context)


def test_a_retried_fork_carries_the_same_request_id_and_each_fork_a_fresh_one():
    first, second = StartingGateway(started_but_gone_at_a_fork), StartingGateway(forked)
    try:
        with CompilerEnv(f"{first.address},{second.address}", token="token", benchmark="benchmark://toy/one") as env:
            env.reset()
            for _ in range(2):
                env.fork().close()
        sent, retried = ([r.request_id for r in g.requests if isinstance(r, pb.ForkRequest)] for g in (first, second))
        assert sent == retried[:1] and len(set(retried)) == 2 and all(len(i) == 32 for i in retried)
    finally:
        first.stop()
        second.stop()


def test_a_new_session_s_calls_go_through_its_silo_s_gateway_if_given_it():
    second = StartingGateway(forked)
    elsewhere = dead_address()

    def started_on(gateway):
        def answer(request, context):
            if isinstance(request, pb.ForkRequest):
                return forked(request, context)
            return pb.StartSessionReply(session_id="s", action_space=TOY_SPACE, benchmark=request.benchmark, gateway=gateway)
        return answer

    first = StartingGateway(started_on(f"http://{second.address}"))
    not_given = StartingGateway(started_on(f"http://{elsewhere}"))
    try:
        with CompilerEnv(f"{first.address},{second.address}", token="token", benchmark="benchmark://toy/one") as env:
            env.reset()
            env.fork().close()
        assert [type(r) for r in first.requests] == [pb.StartSessionRequest]
        assert [type(r) for r in second.requests] == [pb.ForkRequest]
        # An address the server names that the client was not given is not dialled.
        with CompilerEnv(f"{not_given.address},{second.address}", token="token", benchmark="benchmark://toy/one") as env:
            env.reset()
            env.fork().close()
        assert [type(r) for r in not_given.requests] == [pb.StartSessionRequest, pb.ForkRequest]
    finally:
        for gateway in (first, second, not_given):
            gateway.stop()
