"""Episodes through the Python client give the same results as the in-process environment."""

import json
import subprocess

import numpy as np
import pytest
from conftest import CRC32, cli_command

from compiler_gym_dotnet import CompilerEnv, InapplicableActionError

ACTIONS = ["mem2reg", "gvn", "simplifycfg"]
REWARD = "IrInstructionCountOz"


@pytest.fixture(scope="module")
def reference():
    """`cgym step` runs the same actions in process and prints one JSON line."""
    command = cli_command() + ["step", "-b", CRC32, "-a", ",".join(ACTIONS), "--json",
                               "-o", "IrInstructionCount", "-o", "Autophase", "-r", REWARD]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"{command} failed:\n{run.stderr}"
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_episode_matches_in_process_env(address, reference):
    with CompilerEnv(address, benchmark=CRC32, observation_space="IrInstructionCount", reward_space=REWARD) as env:
        observation, info = env.reset()
        assert info["benchmark"] == CRC32
        assert isinstance(observation, int)
        total = 0.0
        for name in ACTIONS:
            observation, reward, terminated, truncated, info = env.step(env.action_space.names.index(name))
            assert not terminated and not truncated
            assert info["ir_changed"]
            total += reward

        assert observation == reference["observations"]["IrInstructionCount"]
        np.testing.assert_array_equal(env.observe("Autophase"), reference["observations"]["Autophase"])
        assert total == pytest.approx(reference["rewards"][REWARD])
        state = env.state
        assert state.actions == reference["state"]["actions"] == ACTIONS
        assert state.benchmark == CRC32
        assert state.reward_space == REWARD
        assert state.reward == pytest.approx(reference["state"]["reward"])
        assert env.commandline() == reference["commandline"]

        result = env.validate()
        assert result.ok, result.errors
        assert result.replayed_reward == pytest.approx(state.reward)


def test_one_multi_action_step_with_extra_spaces(env, reference):
    indices = [env.action_space.names.index(name) for name in ACTIONS]
    observation, reward, _, _, info = env.step(indices, observation_spaces=["Autophase", "IrInstructionCount"],
                                               reward_spaces=[REWARD])
    assert observation == {} and reward == 0.0  # the environment observes nothing and has no reward space
    assert info["observations"]["IrInstructionCount"] == reference["observations"]["IrInstructionCount"]
    np.testing.assert_array_equal(info["observations"]["Autophase"], reference["observations"]["Autophase"])
    assert info["rewards"][REWARD] == pytest.approx(reference["rewards"][REWARD])
    assert info["seconds"] > 0
    assert env.state.actions == ACTIONS


def test_reset_starts_a_new_episode(env):
    initial = env.observe("IrInstructionCount")
    env.step(env.action_space.names.index("mem2reg"))
    assert env.observe("IrInstructionCount") < initial

    observation, info = env.reset(options={"observation_space": "IrInstructionCount"})
    assert observation == initial
    assert env.state.actions == []

    observation, info = env.reset(options={"benchmark": "benchmark://builtin-v0/qsort"})
    assert info["benchmark"] == env.state.benchmark == "benchmark://builtin-v0/qsort"
    assert observation == env.observe("IrInstructionCount") != initial


def test_a_reset_that_unsets_a_space_and_fails_keeps_the_episode(env):
    env.reset(options={"reward_space": "IrInstructionCount"})
    env.step(env.action_space.names.index("mem2reg"))
    # Unsetting a space takes a new session; the old one stays while the new one fails to start.
    with pytest.raises(LookupError, match="no-such-program"):
        env.reset(options={"reward_space": None, "benchmark": "benchmark://builtin-v0/no-such-program"})
    assert env.state.actions == ["mem2reg"]
    env.step(0)


def test_a_dict_observation_space_can_be_set_back(env):
    env.reset(options={"observation_space": ["IrInstructionCount", "Autophase"]})
    space = env.observation_space
    env.observation_space = "IrInstructionCount"
    env.observation_space = space  # as a wrapper restoring it would
    observation, _ = env.reset()
    assert set(observation) == {"IrInstructionCount", "Autophase"}


def test_helpers(env):
    version = env.version()
    assert version["protocol"] == "compiler_gym.v1"
    assert version["llvm"].startswith("22.")
    benchmarks = env.benchmarks()
    assert CRC32 in benchmarks and "benchmark://builtin-v0/qsort" in benchmarks
    assert env.benchmarks("builtin-v0") == [b for b in benchmarks if b.startswith("benchmark://builtin-v0/")]


def test_add_benchmark(env):
    program = "define i32 @main() {\n  %a = add i32 1, 2\n  %b = mul i32 %a, 3\n  ret i32 %b\n}\n"
    # A fixed name with fixed content: uploading the same program again is allowed.
    uri = env.add_benchmark("python-client-test", program, format="ir")
    assert uri == "benchmark://user-v0/python-client-test"
    assert uri in env.benchmarks("user-v0")
    observation, _ = env.reset(options={"benchmark": uri, "observation_space": "IrInstructionCount"})
    assert observation == 3


def test_an_mlir_episode(address):
    matmul = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16"
    with CompilerEnv(address, benchmark=matmul, observation_space="LoopFeatures", environment="mlir-v0") as env:
        features, _ = env.reset()
        assert env.action_space.names[0].startswith("tile-")
        tiled, _, _, _, info = env.step(env.action_space.names.index("tile-d0-8"))
        assert info["ir_changed"] and not np.array_equal(features, tiled)
        assert env.state.actions == ["tile-d0-8"]
        assert env.validate().ok
        # A matmul has three loops: tiling a sixth does not apply, and the session is unchanged.
        with pytest.raises(InapplicableActionError, match="tile-d5-8"):
            env.step(env.action_space.names.index("tile-d5-8"))
        assert env.state.actions == ["tile-d0-8"]
