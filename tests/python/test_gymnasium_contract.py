"""Gymnasium's Env contract, checked by the rules of its env checker (gymnasium.utils.env_checker), which is not installable here."""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest
from conftest import CRC32, REPO

import compiler_gym_dotnet as cgym
from compiler_gym_dotnet import (CallTimeoutError, CompilerEnv, Dict, Discrete, EnvironmentClosedError, ResetNeededError, Space,
                                 UnknownNameError)


@pytest.fixture
def llvm(address):
    with cgym.make("llvm-v0", address, benchmark=CRC32) as env:
        yield env


def check_step_result(env, result):
    """The checker's step rules: a 5-tuple, the observation in its space, a float reward, bool flags, a dict."""
    assert isinstance(result, tuple) and len(result) == 5
    observation, reward, terminated, truncated, info = result
    assert env.observation_space.contains(observation), (env.observation_space, observation)
    assert isinstance(reward, float) and np.isfinite(reward)
    assert isinstance(terminated, bool) and isinstance(truncated, bool)
    assert isinstance(info, dict)


def test_the_registered_ids_have_the_gymnasium_attributes(llvm):
    assert isinstance(llvm.metadata, dict) and "render_modes" in llvm.metadata
    assert llvm.render_mode is None
    assert llvm.spec.id == "llvm-v0" and llvm.spec.kwargs["observation_space"] == "Autophase"
    assert llvm.unwrapped is llvm
    assert isinstance(llvm.action_space, Discrete) and isinstance(llvm.observation_space, Space)
    assert llvm.observation_space.name == "Autophase" and llvm.reward_space.name == "IrInstructionCountOz"
    with pytest.raises(KeyError, match="unknown environment id 'nope-v0'"):
        cgym.make("nope-v0")


def test_reset_returns_an_observation_in_its_space_and_an_info_dict(llvm):
    result = llvm.reset(seed=0)
    assert isinstance(result, tuple) and len(result) == 2
    observation, info = result
    assert llvm.observation_space.contains(observation)
    assert isinstance(info, dict) and info["benchmark"] == CRC32
    assert llvm.benchmark == CRC32


def test_reset_without_a_benchmark_starts_the_default_one(address):
    with cgym.make("llvm-v0", address) as env:
        env.reset()
        assert env.benchmark == cgym.env.DEFAULT_BENCHMARKS["llvm-v0"]


def test_step_results_keep_the_contract_with_and_without_spaces(llvm):
    llvm.reset()
    check_step_result(llvm, llvm.step(llvm.action_space.sample()))
    llvm.observation_space = None
    llvm.reward_space = None
    llvm.reset()
    assert llvm.observation_space.spaces == {} and llvm.reward_space is None
    check_step_result(llvm, llvm.step(0))
    llvm.observation_space = ["IrInstructionCount", "Autophase"]
    observation, _ = llvm.reset()
    assert isinstance(llvm.observation_space, Dict) and llvm.observation_space.contains(observation)
    result = llvm.step(llvm.action_space.names.index("mem2reg"))
    check_step_result(llvm, result)
    assert result[0]["IrInstructionCount"] < observation["IrInstructionCount"]


def test_seeding_makes_sampling_deterministic(llvm):
    """The checker's determinism rule: the same seed gives the same np_random and the same samples."""
    def run(seed):
        llvm.reset(seed=seed)
        return llvm.np_random.integers(1 << 30, size=5).tolist(), [llvm.action_space.sample() for _ in range(20)]

    first = run(3)
    assert run(3) == first
    assert run(4) != first
    # Without a seed, reset keeps the generators going rather than reseeding them.
    llvm.reset(seed=3)
    llvm.action_space.sample()
    llvm.reset()
    assert [llvm.action_space.sample() for _ in range(19)] == first[1][1:]


def test_the_same_seed_and_actions_give_the_same_episode(address):
    def episode():
        with cgym.make("llvm-v0", address, benchmark=CRC32) as env:
            observations = [env.reset(seed=11)[0]]
            rewards = []
            for _ in range(5):
                observation, reward, *_ = env.step(env.action_space.sample())
                observations.append(observation)
                rewards.append(reward)
            return observations, rewards

    (first_observations, first_rewards), (observations, rewards) = episode(), episode()
    assert rewards == first_rewards
    for a, b in zip(first_observations, observations):
        np.testing.assert_array_equal(a, b)


def test_max_episode_steps_truncates_and_reset_starts_over(address):
    with cgym.make("llvm-v0", address, benchmark=CRC32, max_episode_steps=3) as env:
        assert env.spec.max_episode_steps == 3
        for _ in range(2):
            env.reset()
            flags = [env.step(0)[2:4] for _ in range(3)]
            assert flags == [(False, False), (False, False), (False, True)]


def test_close_is_idempotent_and_later_calls_say_so(address):
    env = cgym.make("llvm-v0", address, benchmark=CRC32)
    env.reset()
    env.close()
    env.close()
    with pytest.raises(EnvironmentClosedError, match="closed"):
        env.step(0)
    with pytest.raises(EnvironmentClosedError, match="closed"):
        env.reset()


def test_step_before_reset_says_to_reset(address):
    with CompilerEnv(address, benchmark=CRC32) as env:
        for call in (lambda: env.step(0), lambda: env.state, env.fork, lambda: env.observation["Autophase"]):
            with pytest.raises(ResetNeededError, match=r"call reset\(\) first"):
                call()


def test_unknown_space_names_are_lookup_errors(llvm):
    llvm.reset()
    with pytest.raises(KeyError) as raised:
        llvm.observation_space = "NoSuchSpace"
    assert isinstance(raised.value, UnknownNameError) and isinstance(raised.value, ValueError)
    assert str(raised.value).startswith("unknown observation space 'NoSuchSpace' (known: Ir,")
    with pytest.raises(LookupError, match="unknown reward space 'NoSuchReward'"):
        llvm.reward["NoSuchReward"]
    # The server's own word for a benchmark it does not have.
    with pytest.raises(LookupError, match="no benchmark 'nope' in dataset builtin-v0"):
        llvm.reset(options={"benchmark": "benchmark://builtin-v0/nope"})
    with pytest.raises(LookupError, match="action 1000 is out of range"):
        llvm.step(1000)


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers, like a server that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_a_call_past_its_timeout_raises(silent_server):
    with pytest.raises(TimeoutError, match=r"GetSpaces got no answer within 0.5 s") as raised:
        CompilerEnv(silent_server, token="t", timeout=0.5)
    assert isinstance(raised.value, CallTimeoutError)


def test_a_step_past_its_timeout_raises_and_the_next_works(address):
    with CompilerEnv(address, benchmark=CRC32) as env:
        env.reset()
        env.timeout = 0.2
        # CyclesEstimate runs the program under callgrind: seconds, not 0.2.
        with pytest.raises(CallTimeoutError, match="no answer within 0.2 s"):
            env.observe("CyclesEstimate")
        env.timeout = 60
        assert env.observe("IrInstructionCount") > 0
        assert env.state.actions == []


def test_with_gymnasium_importable_an_environment_is_a_gymnasium_env(tmp_path):
    # Gymnasium is not installable here: a stand-in module with its Env class name shows the base is taken.
    (tmp_path / "gymnasium").mkdir()
    (tmp_path / "gymnasium" / "__init__.py").write_text("class Env:\n    pass\n")
    code = ("import gymnasium, compiler_gym_dotnet as cgym\n"
            "assert issubclass(cgym.CompilerEnv, gymnasium.Env)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO / "src/python")])})
    assert run.returncode == 0, run.stderr
