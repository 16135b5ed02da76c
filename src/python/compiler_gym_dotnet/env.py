"""A Gymnasium-style environment on a session of a remote CompilerGym for .NET server."""

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import numpy as np

from ._proto import pb, pb_grpc
from .errors import SessionNotFoundError, from_rpc_error
from .spaces import from_proto
from .token_file import default_token_for

_RESET_OPTIONS = ("benchmark", "action_space", "custom_actions", "observation_space", "reward_space")
_FORMATS = {None: pb.PROGRAM_FORMAT_UNSPECIFIED, "bitcode": pb.PROGRAM_FORMAT_BITCODE,
            "ir": pb.PROGRAM_FORMAT_IR, "c": pb.PROGRAM_FORMAT_C}


@dataclass
class CompilerEnvState:
    """An episode so far: enough for the server to replay (validate) it."""

    benchmark: str
    action_space: str
    actions: list
    reward_space: str | None = None
    reward: float | None = None
    walltime: float = 0.0
    custom_actions: list = field(default_factory=list)

    @classmethod
    def from_proto(cls, state):
        return cls(
            benchmark=state.benchmark, action_space=state.action_space, actions=list(state.actions),
            reward_space=state.reward_space or None,
            reward=state.reward.value if state.HasField("reward") else None,
            walltime=state.walltime, custom_actions=list(state.custom_actions))

    def to_proto(self):
        state = pb.State(
            benchmark=self.benchmark, action_space=self.action_space, actions=self.actions,
            reward_space=self.reward_space or "", walltime=self.walltime, custom_actions=self.custom_actions)
        if self.reward is not None:
            state.reward.value = self.reward
        return state


@dataclass
class ValidationResult:
    """Whether replaying a state reproduced it; ``errors`` says how it did not."""

    ok: bool
    errors: list
    replayed_reward: float | None
    seconds: float


@dataclass
class Spaces:
    """Every space the server offers, by name."""

    action: dict
    observation: dict
    reward: dict
    default_action_space: str


def observation_value(observation):
    """An observation as a Python value: int, float, str, bytes, or a numpy int64 array; None if unset."""
    kind = observation.WhichOneof("value")
    if kind == "int64_vector":
        return np.array(observation.int64_vector.values, dtype=np.int64)
    return getattr(observation, kind) if kind else None


class _Connection:
    """A channel to the server, shared by an environment and its forks, closed with the last of them."""

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

    def call(self, method, request, restores=False):
        """Calls ``method``; a failure raises the matching exception from .errors."""
        try:
            return getattr(self.stub, method)(request, metadata=self.metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error, restores) from None

    def release(self):
        self.users -= 1
        if self.users == 0:
            self.channel.close()


class CompilerEnv:
    """A compiler environment (LLVM pass ordering, or MLIR loop nests) served by ``cgym serve`` at ``address`` ("host:port").

    The arguments are the defaults for the first ``reset()``, which starts the session; ``token``
    is sent as ``authorization: Bearer TOKEN`` with every call (without it, a server on this
    machine gets the one in the user's token file: see .token_file). ``reward`` is None while the
    session has no reward space, and the observation None while it has no observation space.
    """

    def __init__(self, address, token=None, benchmark=None, action_space=None, observation_space=None,
                 reward_space=None, environment=None):
        self._connection = _Connection(address, token)
        self._session_id = None
        self._closed = False
        self._choices = dict(benchmark=benchmark, action_space=action_space, custom_actions=None,
                             observation_space=observation_space, reward_space=reward_space)
        try:
            # Whose spaces to offer: an environment the server registers (by default its first, "llvm-v0"; "mlir-v0" for kernels); a session's follows from its benchmark.
            reply = self._connection.call("GetSpaces", pb.GetSpacesRequest(environment=environment or ""))
        except Exception:
            self._connection.release()
            raise
        self.spaces = Spaces(
            action={s.name: from_proto(s) for s in reply.action_spaces},
            observation={s.name: from_proto(s) for s in reply.observation_spaces},
            reward={s.name: from_proto(s) for s in reply.reward_spaces},
            default_action_space=reply.default_action_space)
        # Known before the first reset (Gymnasium's habit); the server's choice replaces it then.
        self.action_space = self.spaces.action.get(action_space or reply.default_action_space)
        self._update_spaces()

    def reset(self, *, seed=None, options=None):
        """Starts an episode; ``seed`` seeds ``action_space.sample()``.

        ``options`` may change the ``benchmark``, ``action_space``, ``custom_actions`` (a list of
        pipeline elements, or for mlir-v0 action specs, that become the action space),
        ``observation_space`` and ``reward_space``; what it leaves out stays as it was. Returns
        ``(observation, info)``.
        """
        options = dict(options or {})
        unknown = set(options) - set(_RESET_OPTIONS)
        if unknown:
            raise TypeError(f"unknown reset options {sorted(unknown)}; known: {', '.join(_RESET_OPTIONS)}")
        if self._closed:
            raise SessionNotFoundError("the environment is closed")
        given = {key: value for key, value in options.items() if value}
        if self._session_id is None:
            request = {key: value for key, value in {**self._choices, **given}.items() if value}
            reply = self._call("StartSession", pb.StartSessionRequest(**request))
            self._session_id = reply.session_id
        else:
            reply = self._call("Reset", pb.ResetRequest(session_id=self._session_id, **given), restores=True)
        self._choices.update(given)

        rng = self.action_space.np_random if self.action_space is not None else None
        self.action_space = from_proto(reply.action_space)
        if seed is not None:
            self.action_space.seed(seed)
        elif rng is not None:
            self.action_space.np_random = rng
        self._update_spaces()
        return observation_value(reply.observation), {"benchmark": reply.benchmark, "seconds": reply.seconds}

    def step(self, action, observation_spaces=(), reward_spaces=()):
        """Applies an action (an index), or a list of them as one step.

        Returns ``(observation, reward, terminated, truncated, info)``; ``info`` holds
        ``ir_changed``, ``seconds``, and the extra ``observation_spaces`` and ``reward_spaces``
        asked for, by name, under ``observations`` and ``rewards``.
        """
        actions = [action] if isinstance(action, (int, np.integer)) else list(action)
        request = pb.StepRequest(session_id=self._session(), actions=[int(a) for a in actions],
                                 observation_spaces=list(observation_spaces), reward_spaces=list(reward_spaces))
        reply = self._call("Step", request, restores=True)
        info = {
            "ir_changed": reply.ir_changed,
            "observations": {name: observation_value(o) for name, o in reply.observations.items()},
            "rewards": dict(reply.rewards),
            "seconds": reply.seconds,
        }
        reward = reply.reward.value if reply.HasField("reward") else None
        return observation_value(reply.observation), reward, reply.terminated, reply.truncated, info

    def observe(self, name):
        """The observation ``name`` of the current program (a step without actions)."""
        return self.step([], observation_spaces=[name])[4]["observations"][name]

    def fork(self):
        """A new environment on an independent copy of this session, sharing the connection."""
        reply = self._call("Fork", pb.ForkRequest(session_id=self._session()))
        forked = copy.copy(self)
        forked._session_id = reply.session_id
        forked._choices = dict(self._choices)
        forked.action_space = copy.deepcopy(self.action_space)
        self._connection.users += 1
        return forked

    @property
    def state(self):
        """The episode so far, as a :class:`CompilerEnvState`."""
        return CompilerEnvState.from_proto(self._get_state().state)

    def commandline(self):
        """A shell command that reproduces the current program with stock LLVM tools (opt-22)."""
        return self._get_state().commandline

    def validate(self, state=None):
        """Replays ``state`` (by default this episode's) in a fresh worker and checks that it reproduces."""
        reply = self._call("Validate", pb.ValidateRequest(state=(state or self.state).to_proto()))
        reward = reply.replayed_reward.value if reply.HasField("replayed_reward") else None
        return ValidationResult(reply.ok, list(reply.errors), reward, reply.seconds)

    def benchmarks(self, dataset=None):
        """The URIs of the server's benchmarks, of one dataset or of all."""
        reply = self._call("ListBenchmarks", pb.ListBenchmarksRequest(dataset=dataset or ""))
        return [uri for d in reply.datasets for uri in d.benchmarks]

    def add_benchmark(self, name, data, format=None):
        """Uploads a program (bytes, str, or a path to read) and returns its URI, benchmark://user-v0/NAME.

        ``format`` is "bitcode", "ir" or "c"; None lets the server guess from the content.
        """
        if isinstance(data, os.PathLike):
            data = Path(data).read_bytes()
        if isinstance(data, str):
            data = data.encode()
        if format not in _FORMATS:
            raise ValueError(f"unknown program format {format!r}; use one of {list(_FORMATS)}")
        reply = self._call("AddBenchmark", pb.AddBenchmarkRequest(name=name, format=_FORMATS[format], program=data))
        return reply.benchmark

    def version(self):
        """The server's version, its LLVM's, and the protocol's name."""
        reply = self._call("GetVersion", pb.GetVersionRequest())
        return {"service": reply.service_version, "llvm": reply.llvm_version, "protocol": reply.protocol}

    def close(self):
        """Ends the session on the server (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._session_id is not None:
                self._call("EndSession", pb.EndSessionRequest(session_id=self._session_id))
        except SessionNotFoundError:
            pass  # the server already reclaimed it
        finally:
            self._connection.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, method, request, restores=False):
        return self._connection.call(method, request, restores)

    def _session(self):
        if self._closed:
            raise SessionNotFoundError("the environment is closed")
        if self._session_id is None:
            raise RuntimeError("no session yet: call reset() first")
        return self._session_id

    def _get_state(self):
        return self._call("GetState", pb.GetStateRequest(session_id=self._session()), restores=True)

    def _update_spaces(self):
        self.observation_space = self.spaces.observation.get(self._choices["observation_space"])
        self.reward_space = self.spaces.reward.get(self._choices["reward_space"])
