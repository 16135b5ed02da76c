"""A VectorCompilerEnv of N gives what N separate environments give, with Gymnasium's next-step autoreset."""


import numpy as np
import pytest
from conftest import CRC32

import compiler_gym_dotnet as cgym
from compiler_gym_dotnet import CallTimeoutError, UnknownNameError, VectorCompilerEnv, VectorStepError

QSORT = "benchmark://builtin-v0/qsort"
BENCHMARKS = [CRC32, QSORT, CRC32]
STEPS = 6


def test_a_vector_of_n_gives_what_n_separate_environments_give(address):
    rng = np.random.default_rng(5)
    actions = rng.integers(0, 100, size=(STEPS, len(BENCHMARKS)))
    with cgym.make_vec("llvm-v0", len(BENCHMARKS), address, benchmark=BENCHMARKS) as vector:
        observations, infos = vector.reset(seed=1)
        assert observations.shape == (3, 56) and observations.dtype == np.int64
        assert list(infos["benchmark"]) == BENCHMARKS and infos["_benchmark"].all()
        batches = [vector.step(a) for a in actions]
        states = [env.state for env in vector.envs]

    for i, benchmark in enumerate(BENCHMARKS):
        with cgym.make("llvm-v0", address, benchmark=benchmark) as env:
            observation, _ = env.reset(seed=1 + i)
            np.testing.assert_array_equal(observation, observations[i])
            for step, batch in zip(actions, batches):
                observation, reward, terminated, truncated, _ = env.step(int(step[i]))
                np.testing.assert_array_equal(observation, batch[0][i])
                assert reward == batch[1][i] and terminated == batch[2][i] and truncated == batch[3][i]
            assert env.state == states[i]


def test_a_vector_reset_of_started_sessions_gives_what_separate_resets_give(address):
    # The first reset starts the sessions; the next resets them all by one ResetBatch call.
    others = [QSORT, CRC32, CRC32]
    options = {"observation_space": "IrInstructionCount"}
    with cgym.make_vec("llvm-v0", len(BENCHMARKS), address, benchmark=BENCHMARKS) as vector:
        vector.reset(seed=1)
        vector.step([0, 1, 2])
        for env, benchmark in zip(vector.envs, others):
            env.benchmark = benchmark
        observations, infos = vector.reset(seed=7, options=options)
        assert list(infos["benchmark"]) == others
        assert [env.state.actions for env in vector.envs] == [[], [], []]
        assert observations.shape == (3,) and observations[0] != observations[1]

    for i, benchmark in enumerate(BENCHMARKS):
        with cgym.make("llvm-v0", address, benchmark=benchmark) as env:
            env.reset(seed=1 + i)
            env.step(i)
            env.benchmark = others[i]
            observation, info = env.reset(seed=7 + i, options=options)
            assert observation == observations[i] and info["benchmark"] == others[i]


def test_a_failed_sub_reset_raises_with_the_others_reset(address):
    with VectorCompilerEnv(address, 2, benchmark=CRC32, observation_space="IrInstructionCount") as vector:
        vector.reset()
        mem2reg = vector.single_action_space.names.index("mem2reg")
        vector.step([mem2reg, mem2reg])
        vector.envs[1].benchmark = "benchmark://builtin-v0/no-such-program"
        with pytest.raises(UnknownNameError, match="no-such-program"):
            vector.reset(options={"reward_space": "IrInstructionCountOz"})
        assert [env.state.actions for env in vector.envs] == [[], ["mem2reg"]]
        # The failed reset took none of its options; the other took them.
        assert vector.envs[0].reward_space.name == "IrInstructionCountOz" and vector.envs[1].reward_space is None
        vector.envs[1].benchmark = QSORT
        observations, infos = vector.reset()
        assert list(infos["benchmark"]) == [CRC32, QSORT] and observations[0] != observations[1]


def test_step_async_and_step_wait_split_a_step(address):
    with VectorCompilerEnv(address, 2, benchmark=CRC32, observation_space="IrInstructionCount") as vector:
        vector.reset()
        mem2reg = vector.single_action_space.names.index("mem2reg")
        vector.step_async([mem2reg, 0])
        with pytest.raises(RuntimeError, match="twice"):
            vector.step_async([0, 0])
        observations, rewards, terminated, truncated, _ = vector.step_wait()
        assert observations.shape == (2,) and observations[0] < observations[1]
        assert rewards.tolist() == [0.0, 0.0] and not terminated.any() and not truncated.any()
        with pytest.raises(RuntimeError, match="without step_async"):
            vector.step_wait()


def test_autoreset_in_next_step_mode(address):
    with cgym.make_vec("llvm-v0", 2, address, benchmark=CRC32, max_episode_steps=2) as vector:
        first, _ = vector.reset()
        mem2reg = vector.single_action_space.names.index("mem2reg")
        vector.step([0, 0])
        observations, rewards, terminated, truncated, _ = vector.step([mem2reg, 0])
        assert truncated.tolist() == [True, True]
        # The next step resets instead of stepping: the first observation, a reward of 0, no flags.
        observations, rewards, terminated, truncated, infos = vector.step([mem2reg, mem2reg])
        np.testing.assert_array_equal(observations, first)
        assert rewards.tolist() == [0.0, 0.0] and not terminated.any() and not truncated.any()
        assert list(infos["benchmark"]) == [CRC32, CRC32]
        assert [env.state.actions for env in vector.envs] == [[], []]
        vector.step([mem2reg, 0])
        assert [env.state.actions for env in vector.envs] == [["mem2reg"], [vector.single_action_space.names[0]]]


def test_a_failed_sub_step_is_reported_with_the_others_applied(address):
    with VectorCompilerEnv(address, 3, benchmark=CRC32, observation_space="IrInstructionCount") as vector:
        before, _ = vector.reset()
        mem2reg = vector.single_action_space.names.index("mem2reg")
        with pytest.raises(VectorStepError) as raised:
            vector.step([mem2reg, 1000, mem2reg])
        error = raised.value
        assert list(error.errors) == [1] and isinstance(error.errors[1], UnknownNameError)
        assert "sub-environment 1: UnknownNameError: action 1000 is out of range" in str(error)
        observations, rewards, _, _, infos = error.results
        assert observations[1] == before[1] and observations[0] < before[0] and rewards[1] == 0.0
        assert infos["_error"].tolist() == [False, True, False]
        assert [env.state.actions for env in vector.envs] == [["mem2reg"], [], ["mem2reg"]]
        vector.step([0, 0, 0])  # all usable


def test_a_vector_with_a_dict_observation(address):
    with VectorCompilerEnv(address, 2, benchmark=CRC32, observation_space=["IrInstructionCount", "IrSha1"]) as vector:
        observations, _ = vector.reset()
        assert observations["IrInstructionCount"].shape == (2,) and observations["IrSha1"].dtype == object
        assert observations in vector.observation_space
        observations, *_ = vector.step([vector.single_action_space.names.index("mem2reg"), 0])
        assert observations["IrSha1"][0] != observations["IrSha1"][1]
        assert observations in vector.observation_space
        assert {"IrInstructionCount": observations["IrInstructionCount"], "IrSha1": ["one"]} not in vector.observation_space


def test_the_batched_observation_space_holds_what_reset_and_step_return(address):
    with VectorCompilerEnv(address, 3, benchmark=CRC32, observation_space="Autophase") as vector:
        space = vector.observation_space
        assert space.shape == (3, *vector.single_observation_space.shape) and space.dtype == np.int64
        observations, _ = vector.reset()
        assert observations in space and observations[:2] not in space
        observations, *_ = vector.step([0, 1, 2])
        assert observations in space



def test_a_vector_step_past_its_timeout_raises_and_the_next_works(address):
    with VectorCompilerEnv(address, 2, benchmark=CRC32, observation_space="CyclesEstimate") as vector:
        vector.reset()
        for env in vector.envs:
            env.timeout = 0.2
        mem2reg = vector.single_action_space.names.index("mem2reg")
        # CyclesEstimate runs the changed program under callgrind: seconds, not 0.2.
        with pytest.raises(CallTimeoutError, match="no answer within 0.2 s"):
            vector.step([mem2reg, mem2reg])
        for env in vector.envs:
            env.timeout = 120
        observations, *_ = vector.step([0, 0])
        assert (observations > 0).all()


def test_the_batched_action_space_is_seeded_by_reset(address):
    with cgym.make_vec("llvm-v0", 3, address, benchmark=CRC32) as vector:
        vector.reset(seed=2)
        actions = vector.action_space.sample()
        assert actions.shape == (3,) and vector.action_space.contains(actions)
        assert vector.action_space.nvec.tolist() == [vector.single_action_space.n] * 3
        vector.reset(seed=2)
        np.testing.assert_array_equal(vector.action_space.sample(), actions)
        vector.step(actions)
        assert [env.state.actions for env in vector.envs] == [[vector.single_action_space.names[a]] for a in actions]


def test_seeds_must_be_one_per_sub_environment_and_the_batched_space_keeps_its_seed(address):
    with VectorCompilerEnv(address, 2, benchmark=CRC32, observation_space="IrInstructionCount") as vector:
        with pytest.raises(ValueError, match="3 seeds for 2 sub-environments"):
            vector.reset(seed=[1, 2, 3])
        vector.reset(seed=[1, 2])
        assert vector.observation_space is vector.observation_space
