"""N environments stepped together, with Gymnasium's vector semantics, by one StepBatch call per step (one ResetBatch per reset)."""

import numpy as np

from ._connection import Stream
from ._proto import pb
from .env import DEFAULT_SETUP_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS, CompilerEnv
from .errors import CompilerGymError, SessionLostError, from_call_error
from .spaces import Box, Dict, MultiDiscrete, batch_space


class VectorStepError(CompilerGymError):
    """Some sub-environments' steps failed; the others were applied.

    ``errors`` maps a sub-environment's index to its exception (its session is as before the step,
    or ended for a ``SessionLostError``); ``results`` holds the batch of the step as ``step_wait``
    returns it, the failed entries with the observation before the step, a reward of 0 and
    ``info["error"]``.
    """

    def __init__(self, errors, results):
        lines = "\n".join(f"  sub-environment {i}: {type(e).__name__}: {e}" for i, e in errors.items())
        super().__init__(f"{len(errors)} of {len(results[1])} steps failed:\n{lines}")
        self.errors = errors
        self.results = results


class VectorCompilerEnv:
    """``num_envs`` sessions on one server (``address`` as CompilerEnv takes it), each a :class:`CompilerEnv` (``envs``) with the same choices.

    As Gymnasium's vector environments: ``reset(seed=)`` and ``step(actions)`` take and return
    batches (numpy arrays with the sub-environments first; a dict of them for a ``Dict``
    observation space; infos as a dict of arrays with ``_name`` masks); ``step_async`` /
    ``step_wait`` split a step; with ``autoreset`` (next-step mode) a sub-environment whose
    episode ended is reset by the following step instead of stepped, which returns its first
    observation with a reward of 0. ``benchmark`` may be a list, one per sub-environment.
    ``action_space`` is batched (a ``MultiDiscrete``, seeded by ``reset(seed=)``), as is
    ``observation_space``; ``single_action_space`` and ``single_observation_space`` are a sub-environment's.
    """

    metadata = {"render_modes": [], "autoreset_mode": "NextStep"}

    def __init__(self, address, num_envs, token=None, benchmark=None, action_space=None, observation_space=None,
                 reward_space=None, environment=None, *, max_episode_steps=None, autoreset=True,
                 timeout=DEFAULT_TIMEOUT_SECONDS, setup_timeout=DEFAULT_SETUP_TIMEOUT_SECONDS):
        benchmarks = benchmark if isinstance(benchmark, (list, tuple)) else [benchmark] * num_envs
        if len(benchmarks) != num_envs:
            raise ValueError(f"{len(benchmarks)} benchmarks for {num_envs} sub-environments")
        self.num_envs = num_envs
        self.autoreset = autoreset
        self._closed = False
        first = CompilerEnv(address, token, benchmarks[0], action_space, observation_space, reward_space, environment,
                            max_episode_steps=max_episode_steps, timeout=timeout, setup_timeout=setup_timeout)
        self.envs = [first]
        # The others share its connection and spaces: not yet started, only their benchmarks differ.
        for b in benchmarks[1:]:
            env = first._clone()
            env.benchmark = b or first.benchmark
            self.envs.append(env)
        self._stream = Stream(first._connection)
        self.action_space = self._batched_action_space()
        self._needs_reset = np.zeros(num_envs, dtype=bool)
        self._observations = [None] * num_envs  # the last, for a sub-environment whose step failed
        self._pending = None
        self._observation_space = None

    def _batched_action_space(self, seed=None):
        """Gymnasium's batched action space: an action for each sub-environment."""
        space = MultiDiscrete([env.action_space.n for env in self.envs], name=self.single_action_space.name)
        space.seed(seed)
        return space

    @property
    def single_action_space(self):
        return self.envs[0].action_space

    @property
    def single_observation_space(self):
        return self.envs[0].observation_space

    @property
    def observation_space(self):
        """The batches ``reset`` and ``step`` return: the sub-environments' space with a leading axis (see ``batch_space``)."""
        # Kept while the sub-environments' space is the same, so that seeding it holds.
        if self._observation_space is None or self._observation_space[0] is not self.single_observation_space:
            self._observation_space = (self.single_observation_space, batch_space(self.single_observation_space, self.num_envs))
        return self._observation_space[1]

    def reset(self, *, seed=None, options=None):
        """Resets every sub-environment; ``seed`` an int (sub-environment i gets seed + i) or a list.

        The sessions started reset by one ResetBatch call. A reset that fails raises (the first in
        order) as the sub-environment's own would, the others having reset.
        """
        seeds = seed if isinstance(seed, (list, tuple)) else [None if seed is None else seed + i for i in range(self.num_envs)]
        if len(seeds) != self.num_envs:
            raise ValueError(f"{len(seeds)} seeds for {self.num_envs} sub-environments")
        results = self._reset(range(self.num_envs), seeds, options)
        self._needs_reset[:] = False
        self._observations = [o for o, _ in results]
        if seed is not None or not np.array_equal(self.action_space.nvec, [env.action_space.n for env in self.envs]):
            self.action_space = self._batched_action_space(seeds[0])
        return self._batch([o for o, _ in results]), _batch_infos([i for _, i in results])

    def step_async(self, actions):
        """Sends the step of every sub-environment (``actions[i]`` for sub-environment i) in one StepBatch call."""
        if self._pending is not None:
            raise RuntimeError("step_async was called twice without step_wait")
        if len(actions) != self.num_envs:
            raise ValueError(f"{len(actions)} actions for {self.num_envs} sub-environments")
        stepped = [i for i in range(self.num_envs) if not (self.autoreset and self._needs_reset[i])]
        batch = pb.StepBatchRequest(steps=[self.envs[i]._step_request(actions[i]).step for i in stepped])
        self._stream.send(pb.CallRequest(step_batch=batch))
        self._pending = stepped

    def step_wait(self):
        """The batch of the step sent: ``(observations, rewards, terminated, truncated, infos)``."""
        if self._pending is None:
            raise RuntimeError("step_wait was called without step_async")
        stepped, self._pending = self._pending, None
        reply = self._stream.receive(max(env.timeout for env in self.envs), restores=True)
        results, errors = [None] * self.num_envs, {}
        for i, outcome in zip(stepped, reply.outcomes):
            env = self.envs[i]
            if outcome.WhichOneof("kind") == "error":
                errors[i] = from_call_error(outcome.error, restores=True)
                results[i] = (self._observations[i], 0.0, False, False, {"error": errors[i]})
                if isinstance(errors[i], SessionLostError):
                    env._session_id = None  # ended on the server: the next step starts it again
            else:
                results[i] = env._finish_step(outcome.step)
        due = [i for i in range(self.num_envs) if i not in stepped]
        for i, (observation, info) in zip(due, self._reset(due, [None] * len(due))):
            results[i] = (observation, 0.0, False, False, info)
        for i, (observation, _, terminated, truncated, _) in enumerate(results):
            self._observations[i] = observation
            self._needs_reset[i] = terminated or truncated or self.envs[i]._session_id is None
        batch = (self._batch([r[0] for r in results]), np.array([r[1] for r in results], dtype=np.float64),
                 np.array([r[2] for r in results], dtype=bool), np.array([r[3] for r in results], dtype=bool),
                 _batch_infos([r[4] for r in results]))
        if errors:
            raise VectorStepError(errors, batch)
        return batch

    def step(self, actions):
        self.step_async(actions)
        return self.step_wait()

    def _reset(self, indices, seeds, options=None):
        """Resets the sub-environments ``indices`` (the k-th with ``seeds[k]``): those with a session by one
        ResetBatch call, the others by starting theirs. Returns their ``(observation, info)``; once all are
        done, raises the first failure, the failed ones' choices left as they were."""
        envs = [self.envs[i] for i in indices]
        previous = [dict(env._choices) for env in envs]
        try:
            requests = [env._reset_request(seed, options) for env, seed in zip(envs, seeds)]
            batch = pb.ResetBatchRequest(resets=[request for request in requests if request is not None])
            outcomes = iter(self._stream.call(pb.CallRequest(reset_batch=batch), max(env.setup_timeout for env in envs),
                                              restores=True).outcomes if batch.resets else ())
        except Exception:
            for env, choices in zip(envs, previous):
                env._choices = choices
            raise
        results, failures = [], []
        for env, request, seed, choices in zip(envs, requests, seeds, previous):
            try:
                reply = env._start_session() if request is None else _reset_reply(next(outcomes))
                results.append(env._finish_reset(reply, seed))
            except Exception as error:
                env._choices = choices  # a reset that failed changes none of the choices
                failures.append(error)
        if failures:
            raise failures[0]
        return results

    def close(self):
        """Ends every session (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stream.close()
        for env in self.envs:
            env.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _batch(self, observations):
        space = self.single_observation_space
        if isinstance(space, Dict):
            return {name: self._stack(space[name], [o[name] for o in observations]) for name in space.spaces}
        return self._stack(space, observations)

    @staticmethod
    def _stack(space, values):
        if isinstance(space, Box):
            return np.stack([np.asarray(v, dtype=space.dtype) for v in values])
        batch = np.empty(len(values), dtype=object)  # text, bytes, sequences
        batch[:] = values
        return batch


def _reset_reply(outcome):
    """A ResetOutcome's reply; its error raised as the sub-environment's own reset would raise it."""
    if outcome.WhichOneof("kind") == "error":
        raise from_call_error(outcome.error, restores=True)
    return outcome.reset


def _batch_infos(infos):
    """Gymnasium's vector info: each key's values in an array, and ``_key`` saying which sub-environments have one."""
    batched = {}
    for key in dict.fromkeys(k for info in infos for k in info):
        values = np.empty(len(infos), dtype=object)
        values[:] = [info.get(key) for info in infos]
        batched[key] = values
        batched[f"_{key}"] = np.array([key in info for info in infos], dtype=bool)
    return batched
