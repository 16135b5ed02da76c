"""A Gymnasium environment on a session of a remote CompilerGym for .NET server."""

import copy
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._connection import Connection, Stream
from ._proto import pb
from .errors import EnvironmentClosedError, ResetNeededError, SessionNotFoundError, UnknownNameError
from .spaces import Dict, Space, from_proto

try:  # Gymnasium is optional: with it, an environment is a gymnasium.Env (wrappers, isinstance checks).
    from gymnasium import Env as _Base
except ImportError:
    _Base = object

DEFAULT_TIMEOUT_SECONDS = 120.0  # a step or query; the server's own limit on a step is 60 s
DEFAULT_SETUP_TIMEOUT_SECONDS = 900.0  # starting, resetting, validating or uploading, which may compile a program (its limit: 600 s)
# What reset() starts when no benchmark was chosen, by environment.
DEFAULT_BENCHMARKS = {"llvm-v0": "benchmark://builtin-v0/crc32", "mlir-v0": "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16"}

_RESET_OPTIONS = ("benchmark", "action_space", "custom_actions", "observation_space", "reward_space")
_FORMATS = {None: pb.PROGRAM_FORMAT_UNSPECIFIED, "bitcode": pb.PROGRAM_FORMAT_BITCODE,
            "ir": pb.PROGRAM_FORMAT_IR, "c": pb.PROGRAM_FORMAT_C}


@dataclass
class CompilerEnvState:
    """An episode so far: enough for the server to replay (validate) it. Equal states ignore ``walltime``."""

    benchmark: str
    action_space: str
    actions: list
    reward_space: str | None = None
    reward: float | None = None
    walltime: float = field(default=0.0, compare=False)
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


def step_request(**fields):
    """A StepRequest with a fresh ``request_id``: sent again through another gateway, it is not applied twice."""
    return pb.StepRequest(request_id=uuid.uuid4().hex, **fields)


def observation_value(observation):
    """An observation as a Python value: int, float, str, bytes, or a numpy int64 array; None if unset."""
    kind = observation.WhichOneof("value")
    if kind == "int64_vector":
        return np.array(observation.int64_vector.values, dtype=np.int64)
    return getattr(observation, kind) if kind else None


class _Views:
    """``env.observation[name]`` / ``env.reward[name]``: one value of the current program, computed on demand."""

    def __init__(self, env, kind):
        self._env, self._kind = env, kind

    def __getitem__(self, name):
        if self._kind == "observation":
            return self._env.observe(name)
        self._env._check_name(name, "reward")
        return self._env._query(rewards=[name]).rewards[name]


class CompilerEnv(_Base):
    """A compiler environment (LLVM pass ordering, or MLIR loop nests) served by ``cgym serve`` at ``address``.

    ``address`` is "host:port" (or http://, https://), or several separated by commas: gateways of
    a cluster, tried in turn when one is gone; None is $CGYM_ADDRESS, else 127.0.0.1:50051.

    The arguments are the choices for the first ``reset()``, which starts the session: without a
    benchmark, the environment's default (``DEFAULT_BENCHMARKS``). ``observation_space`` is a
    name, a list of names (the observation is then a dict, its space a ``Dict``) or None (an empty
    dict); ``reward_space`` a name, or None (the reward is then 0.0). ``max_episode_steps``
    truncates episodes. ``timeout`` bounds each call in seconds, ``setup_timeout`` those that may
    compile a program (start, reset, validate, upload). ``token`` is sent as
    ``authorization: Bearer TOKEN`` with every call (without it, a server on this machine gets
    the one in the user's token file: see .token_file).
    """

    metadata = {"render_modes": []}
    render_mode = None
    spec = None

    def __init__(self, address, token=None, benchmark=None, action_space=None, observation_space=None,
                 reward_space=None, environment=None, *, max_episode_steps=None, timeout=DEFAULT_TIMEOUT_SECONDS,
                 setup_timeout=DEFAULT_SETUP_TIMEOUT_SECONDS):
        self.timeout = timeout
        self.setup_timeout = setup_timeout
        self.max_episode_steps = max_episode_steps
        self._connection = Connection(address, token)
        self._stream = Stream(self._connection)
        self._session_id = None
        self._closed = False
        self._np_random = None
        try:
            # Whose spaces to offer: an environment the server registers (by default its first, "llvm-v0"; "mlir-v0" for kernels); a session's follows from its benchmark.
            reply = self._call("GetSpaces", pb.GetSpacesRequest(environment=environment or ""))
        except Exception:
            self._connection.release()
            raise
        self.environment = reply.environment
        self.spaces = Spaces(
            action={s.name: from_proto(s) for s in reply.action_spaces},
            observation={s.name: from_proto(s) for s in reply.observation_spaces},
            reward={s.name: from_proto(s) for s in reply.reward_spaces},
            default_action_space=reply.default_action_space)
        self._choices = dict(benchmark=benchmark or DEFAULT_BENCHMARKS.get(self.environment), action_space=action_space,
                             custom_actions=None, observation_space=None, reward_space=None)
        try:
            if action_space:
                self._check_name(action_space, "action")
            self.observation_space = observation_space
            self.reward_space = reward_space
        except Exception:
            self._connection.release()
            raise
        # What the session was started with, and what the episode returns; both known before the first reset (Gymnasium's habit).
        self._session_spaces = (None, None)
        self._action_space = self.spaces.action.get(action_space or reply.default_action_space)
        self._episode = self._episode_spaces()
        self._benchmark = self._choices["benchmark"]
        self._elapsed_steps = 0
        self.episode_reward = 0.0
        self.observation = _Views(self, "observation")
        self.reward = _Views(self, "reward")

    # --- Gymnasium ---------------------------------------------------------------------------

    def reset(self, *, seed=None, options=None):
        """Starts an episode; ``seed`` seeds ``np_random`` and ``action_space.sample()``.

        ``options`` may change the ``benchmark``, ``action_space``, ``custom_actions`` (a list of
        pipeline elements, or for mlir-v0 action specs, that become the action space),
        ``observation_space`` and ``reward_space``; what it leaves out stays as it was. Returns
        ``(observation, info)``.
        """
        previous = dict(self._choices)
        try:
            request = self._reset_request(seed, options)
            reply = self._start_session() if request is None else self._call("Reset", request, self.setup_timeout, restores=True)
            return self._finish_reset(reply, seed)
        except Exception:
            self._choices = previous  # a reset that failed changes none of the choices
            raise

    def _reset_request(self, seed, options):
        """Takes on a reset's choices: the ResetRequest that applies them, None when a new session must start instead."""
        options = dict(options or {})
        unknown = set(options) - set(_RESET_OPTIONS)
        if unknown:
            raise TypeError(f"unknown reset options {sorted(unknown)}; known: {', '.join(_RESET_OPTIONS)}")
        self._check_open()
        for key in ("observation_space", "reward_space"):
            if key in options:
                setattr(self, key, options.pop(key))
        # An empty custom_actions clears them; other empty options keep the current choice.
        self._choices.update({key: value for key, value in options.items() if value or key == "custom_actions"})
        if seed is not None:
            self._np_random = np.random.default_rng(seed)
        # A reset keeps what it is not given, so only a new session unsets a space.
        if self._session_id is None or any(had and not want for had, want in zip(self._session_spaces, self._wanted_spaces())):
            return None
        return pb.ResetRequest(session_id=self._session_id, **self._session_choices())

    def _wanted_spaces(self):
        """The observation space (one name; a Dict's values come with a step) and reward space the session returns."""
        observed = self._choices["observation_space"]
        return observed if isinstance(observed, str) else None, self._choices["reward_space"]

    def _session_choices(self):
        """The fields of a start or reset request: the choices set, with the spaces the session returns."""
        wanted = self._wanted_spaces()
        choices = {**self._choices, "observation_space": wanted[0], "reward_space": wanted[1]}
        return {key: value for key, value in choices.items() if value}

    def _start_session(self):
        # With an id of its own: sent again through another gateway, it makes no second session.
        request = pb.StartSessionRequest(request_id=uuid.uuid4().hex, **self._session_choices())
        reply = self._call("StartSession", request, self.setup_timeout)
        # Ended only once its successor started: a start that fails leaves the episode as it was.
        previous, self._session_id = self._session_id, reply.session_id
        self._connection.follow(reply.gateway)
        if previous is not None:
            self._end_session(previous)
        return reply

    def _finish_reset(self, reply, seed):
        """Takes on a reset (or start) the server applied: ``(observation, info)`` of the new episode."""
        self._session_spaces = self._wanted_spaces()
        rng = self._action_space.np_random if self._action_space is not None else None
        self._action_space = from_proto(reply.action_space)
        if seed is not None:
            self._action_space.seed(seed)
        elif rng is not None:
            self._action_space.np_random = rng
        self._episode = self._episode_spaces()
        self._benchmark = reply.benchmark
        self._elapsed_steps = 0
        self.episode_reward = 0.0
        info = {"benchmark": reply.benchmark, "seconds": reply.seconds}
        if isinstance(self._choices["observation_space"], (list, tuple)):  # a Dict: its values come with a step
            return self._observe_all(), info
        return self._observation(reply.observation, None), info

    def step(self, action, observation_spaces=(), reward_spaces=()):
        """Applies an action (an index), or a list of them as one step.

        Returns ``(observation, reward, terminated, truncated, info)``; ``truncated`` once
        ``max_episode_steps`` steps were taken. ``info`` holds ``ir_changed``, ``seconds``, and
        the extra ``observation_spaces`` and ``reward_spaces`` asked for, by name, under
        ``observations`` and ``rewards``.
        """
        return self._finish_step(self._stream.call(self._step_request(action, observation_spaces, reward_spaces),
                                                   self.timeout, restores=True))

    def close(self):
        """Ends the session on the server (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._session_id is not None:
                session_id, self._session_id = self._session_id, None
                self._end_session(session_id)
        finally:
            self._stream.close()
            self._connection.release()

    @property
    def np_random(self):
        """The environment's random generator, seeded by ``reset(seed=)``."""
        if self._np_random is None:
            self._np_random = np.random.default_rng()
        return self._np_random

    @np_random.setter
    def np_random(self, value):
        self._np_random = value

    @property
    def unwrapped(self):
        return self

    # --- the choices for the next reset ---------------------------------------------------------

    @property
    def action_space(self):
        """The episode's action space (a ``Discrete``); setting a name takes effect at the next reset."""
        return self._action_space

    @action_space.setter
    def action_space(self, name):
        self._check_name(name, "action")
        self._choices["action_space"] = name
        self._choices["custom_actions"] = None

    @property
    def observation_space(self):
        """The space of the observations the episode returns; setting a name, list of names or None takes effect at the next reset."""
        return self._episode[0]

    @observation_space.setter
    def observation_space(self, value):
        if isinstance(value, Dict):
            value = list(value.spaces)  # the space of several observations stands for their names
        elif isinstance(value, Space):
            value = value.name
        for name in [value] if isinstance(value, str) else value or []:
            self._check_name(name, "observation")
        self._choices["observation_space"] = list(value) if isinstance(value, (list, tuple)) else value

    @property
    def reward_space(self):
        """The episode's reward space, None without one; setting a name or None takes effect at the next reset."""
        return self._episode[1]

    @reward_space.setter
    def reward_space(self, value):
        if isinstance(value, Space):
            value = value.name
        if value is not None:
            self._check_name(value, "reward")
        self._choices["reward_space"] = value

    @property
    def benchmark(self):
        """The episode's benchmark URI; setting one takes effect at the next reset."""
        return self._benchmark

    @benchmark.setter
    def benchmark(self, uri):
        if not uri:
            raise TypeError("a benchmark is a URI, such as benchmark://builtin-v0/crc32")
        self._choices["benchmark"] = str(uri)

    # --- CompilerGym's conveniences ----------------------------------------------------------

    def multistep(self, actions, observation_spaces=(), reward_spaces=()):
        """Applies several actions as one step (CompilerGym's ``multistep``)."""
        return self.step(list(actions), observation_spaces, reward_spaces)

    def apply(self, state):
        """Resets to ``state``'s benchmark and action space and replays its actions (CompilerGym's ``apply``)."""
        self.reset(options={"benchmark": state.benchmark, "action_space": state.action_space,
                            "custom_actions": state.custom_actions or None})
        if state.actions:
            self._finish_step(self._stream.call(pb.CallRequest(step=step_request(
                session_id=self._session(), action_names=state.actions, **self._extras())), self.timeout, restores=True))

    def observe(self, name):
        """The observation ``name`` of the current program (a step without actions, not counted as one of the episode)."""
        self._check_name(name, "observation")
        return observation_value(self._query(observations=[name]).observations[name])

    def fork(self):
        """A new environment on an independent copy of this session, sharing the connection."""
        # With an id of its own: sent again through another gateway, it makes no second fork.
        reply = self._call("Fork", pb.ForkRequest(session_id=self._session(), request_id=uuid.uuid4().hex))
        forked = self._clone()
        forked._session_id = reply.session_id
        return forked

    def _clone(self):
        """This environment with its own stream, choices and random generators, sharing the connection."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._choices = dict(self._choices)
        clone._stream = Stream(self._connection)
        clone._action_space = copy.deepcopy(self._action_space)
        clone._np_random = None
        clone.observation = _Views(clone, "observation")
        clone.reward = _Views(clone, "reward")
        self._connection.users += 1
        return clone

    def __copy__(self):
        raise TypeError("a CompilerEnv cannot be copied: a copy would share its session. "
                        "Use env.fork() (or copy.deepcopy(env)) for an independent copy")

    def __deepcopy__(self, memo):
        return self.fork()

    @property
    def state(self):
        """The episode so far, as a :class:`CompilerEnvState`."""
        return CompilerEnvState.from_proto(self._get_state().state)

    def commandline(self):
        """A shell command that reproduces the current program with stock LLVM tools (opt-22)."""
        return self._get_state().commandline

    def validate(self, state=None):
        """Replays ``state`` (by default this episode's) in a fresh worker and checks that it reproduces."""
        reply = self._call("Validate", pb.ValidateRequest(state=(state or self.state).to_proto()), self.setup_timeout)
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
        reply = self._call("AddBenchmark", pb.AddBenchmarkRequest(name=name, format=_FORMATS[format], program=data),
                           self.setup_timeout)
        return reply.benchmark

    def version(self):
        """The server's version, its LLVM's, and the protocol's name."""
        reply = self._call("GetVersion", pb.GetVersionRequest())
        return {"service": reply.service_version, "llvm": reply.llvm_version, "protocol": reply.protocol}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"CompilerEnv({self.environment!r}, benchmark={self._benchmark!r})"

    # --- inside ------------------------------------------------------------------------------

    def _step_request(self, action, observation_spaces=(), reward_spaces=()):
        """The CallRequest of a step: the actions, and the names the episode observes besides the session's own."""
        actions = [action] if isinstance(action, (int, np.integer)) else list(action)
        extras = self._extras()
        return pb.CallRequest(step=step_request(
            session_id=self._session(), actions=[int(a) for a in actions],
            observation_spaces=extras["observation_spaces"] + list(observation_spaces), reward_spaces=list(reward_spaces)))

    def _extras(self):
        observed = self._episode[0]
        return {"observation_spaces": list(observed.spaces) if self._session_spaces[0] is None else []}

    def _finish_step(self, reply):
        """A StepReply as Gymnasium's 5-tuple; counts the step."""
        self._elapsed_steps += 1
        observations = {name: observation_value(o) for name, o in reply.observations.items()}
        info = {"ir_changed": reply.ir_changed, "observations": observations, "rewards": dict(reply.rewards),
                "seconds": reply.seconds}
        reward = reply.reward.value if reply.HasField("reward") else 0.0
        self.episode_reward += reward
        truncated = reply.truncated or (self.max_episode_steps is not None and self._elapsed_steps >= self.max_episode_steps)
        return self._observation(reply.observation, observations), reward, reply.terminated, truncated, info

    def _observation(self, observation, observations):
        if self._session_spaces[0] is not None:
            return observation_value(observation)
        return {name: observations[name] for name in self._episode[0].spaces} if self._episode[0].spaces else {}

    def _observe_all(self):
        reply = self._query(observations=self._extras()["observation_spaces"])
        return {name: observation_value(reply.observations[name]) for name in self._episode[0].spaces}

    def _query(self, observations=(), rewards=()):
        """The StepReply of a step without actions: values of the current program, not a step of the episode."""
        request = step_request(session_id=self._session(), observation_spaces=list(observations), reward_spaces=list(rewards))
        return self._stream.call(pb.CallRequest(step=request), self.timeout, restores=True)

    def _episode_spaces(self):
        observed, rewarded = self._choices["observation_space"], self._choices["reward_space"]
        if isinstance(observed, str):
            observation = self.spaces.observation[observed]
        else:
            observation = Dict({name: self.spaces.observation[name] for name in observed or []})
        return observation, self.spaces.reward.get(rewarded) if rewarded else None

    def _check_name(self, name, kind):
        if name not in getattr(self.spaces, kind):
            raise UnknownNameError(f"unknown {kind} space {name!r} (known: {', '.join(getattr(self.spaces, kind))})")

    def _call(self, method, request, timeout=None, restores=False):
        return self._connection.call(method, request, timeout or self.timeout, restores)

    def _check_open(self):
        if self._closed:
            raise EnvironmentClosedError("the environment is closed")

    def _session(self):
        self._check_open()
        if self._session_id is None:
            raise ResetNeededError("no episode yet: call reset() first")
        return self._session_id

    def _get_state(self):
        return self._stream.call(pb.CallRequest(get_state=pb.GetStateRequest(session_id=self._session())),
                                 self.timeout, restores=True)

    def _end_session(self, session_id):
        try:
            self._call("EndSession", pb.EndSessionRequest(session_id=session_id))
        except SessionNotFoundError:
            pass  # the server already reclaimed it
