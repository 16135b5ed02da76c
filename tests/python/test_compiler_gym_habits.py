"""What a CompilerGym user expects of an environment (taken from CompilerGym's own tests) holds here too."""

import copy
import dataclasses

import pytest
from conftest import CRC32

from compiler_gym_dotnet import CompilerEnv

QSORT = "benchmark://builtin-v0/qsort"


@pytest.fixture
def env(address):
    with CompilerEnv(address, benchmark=CRC32, observation_space="IrInstructionCount", reward_space="IrInstructionCountOz") as env:
        env.reset()
        yield env


def test_a_forks_state_equals_the_original_though_its_wall_time_differs(env):
    env.step(env.action_space.names.index("mem2reg"))
    fork = env.fork()
    try:
        assert env.state == fork.state
        state = env.state
        assert dataclasses.replace(state, walltime=state.walltime + 1) == state
        fork.step(0)
        assert env.state != fork.state
    finally:
        fork.close()


def test_setting_spaces_and_benchmark_takes_effect_at_the_next_reset(env):
    env.observation_space = "Autophase"
    env.reward_space = "IrInstructionCount"
    env.benchmark = QSORT
    assert env.observation_space.name == "IrInstructionCount"  # still this episode's
    observation, info = env.reset()
    assert env.observation_space.name == "Autophase" and observation.shape == (56,)
    assert env.reward_space.name == "IrInstructionCount" and env.state.reward_space == "IrInstructionCount"
    assert info["benchmark"] == env.benchmark == env.state.benchmark == QSORT


def test_none_unsets_a_space(env):
    env.observation_space = None
    env.reward_space = None
    observation, _ = env.reset()
    assert observation == {} and env.reward_space is None
    assert env.step(0)[:2] == ({}, 0.0)
    assert env.state.reward_space is None and env.state.reward is None
    env.reward_space = "IrInstructionCountOz"
    env.reset()
    assert env.state.reward_space == "IrInstructionCountOz"


def test_copy_is_refused_and_deepcopy_forks(env):
    with pytest.raises(TypeError, match=r"Use env.fork\(\)"):
        copy.copy(env)
    env.step(env.action_space.names.index("mem2reg"))
    other = copy.deepcopy(env)
    try:
        other.step(env.action_space.names.index("gvn"))
        assert env.state.actions == ["mem2reg"] and other.state.actions == ["mem2reg", "gvn"]
    finally:
        other.close()


def test_multistep_apply_and_episode_reward(env, address):
    names = env.action_space.names
    actions = [names.index(n) for n in ("mem2reg", "gvn", "simplifycfg")]
    env.multistep(actions[:2])
    env.step(actions[2])
    assert env.episode_reward == pytest.approx(env.state.reward)
    state = env.state
    with CompilerEnv(address, reward_space="IrInstructionCountOz") as other:
        other.apply(state)
        assert other.state == state
        assert other.episode_reward == pytest.approx(env.episode_reward)
    env.reset()
    assert env.episode_reward == 0.0


def test_observation_and_reward_views(env):
    assert env.observation["IrInstructionCount"] == env.observe("IrInstructionCount")
    before = env.observation["IrInstructionCount"]
    env.step(env.action_space.names.index("mem2reg"))
    assert env.observation["IrInstructionCount"] < before
    assert env.reward["IrInstructionCountOz"] == 0.0  # nothing changed since the step


def test_looking_is_not_a_step_of_the_episode(address):
    with CompilerEnv(address, benchmark=CRC32, observation_space="IrInstructionCount", reward_space="IrInstructionCountOz",
                     max_episode_steps=2) as env:
        env.reset()
        for _ in range(3):
            env.observe("Autophase")
            env.observation["IrInstructionCount"]
            env.reward["IrInstructionCountO3"]
        assert env.episode_reward == 0.0
        *_, truncated, _ = env.step(env.action_space.names.index("mem2reg"))
        assert not truncated
        *_, truncated, _ = env.step(0)
        assert truncated


def test_applying_a_state_without_custom_actions_leaves_a_custom_action_space(env):
    state = env.state
    env.reset(options={"custom_actions": ["mem2reg", "gvn"]})
    assert env.action_space.n == 2
    env.apply(state)
    assert env.action_space.name == state.action_space and env.action_space.n > 2
