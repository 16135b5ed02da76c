"""Spaces come from the server's self-description and match `cgym spaces`."""

import json
import subprocess

import grpc
import numpy as np
import pytest
from conftest import cli_command

from compiler_gym_dotnet import Box, Bytes, CompilerGymError, Dict, Discrete, Sequence, Text
from compiler_gym_dotnet._proto import pb
from compiler_gym_dotnet.spaces import from_proto


@pytest.fixture(scope="module")
def cli_spaces():
    run = subprocess.run(cli_command() + ["spaces", "--json"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_action_spaces_match_the_cli(env, cli_spaces):
    assert env.action_space.name == env.spaces.default_action_space
    for expected in cli_spaces["action_spaces"]:
        space = env.spaces.action[expected["name"]]
        assert isinstance(space, Discrete)
        assert space.names == expected["names"]
        assert space.n == len(space.names) == expected["high"] + 1
    assert {s["name"] for s in cli_spaces["observation_spaces"]} == set(env.spaces.observation)
    assert {s["name"] for s in cli_spaces["reward_spaces"]} == set(env.spaces.reward)


def test_sample_is_in_range_and_reproducible(env):
    def samples(seed):
        env.reset(seed=seed)
        return [env.action_space.sample() for _ in range(50)]

    first = samples(7)
    assert all(env.action_space.contains(a) and 0 <= a < env.action_space.n for a in first)
    assert samples(7) == first
    assert samples(8) != first
    assert not env.action_space.contains(env.action_space.n)
    assert not env.action_space.contains(-1)


def test_observations_fit_their_spaces(env):
    env.step(env.action_space.names.index("mem2reg"))
    for name, space in env.spaces.observation.items():
        try:
            value = env.observe(name)
        except CompilerGymError as error:
            # Many virtual machines have no hardware counters: the server says so rather than guess.
            assert name == "Cycles" and error.code == grpc.StatusCode.FAILED_PRECONDITION, (name, error)
            assert "perf_event_open" in str(error)
            continue
        if isinstance(space, Box) and space.shape:
            assert isinstance(value, np.ndarray) and value.dtype == np.int64 and value.shape == space.shape, name
        elif isinstance(space, Box):
            assert isinstance(value, int), name
        else:
            assert isinstance(space, (Text, Bytes)), name
            assert isinstance(value, str if isinstance(space, Text) else bytes), name
        assert space.contains(value), name


def test_vector_space_sample(env):
    space = env.spaces.observation["Autophase"]
    space.seed(0)
    sample = space.sample()
    assert sample.shape == space.shape and sample.dtype == space.dtype == np.int64
    assert space.contains(sample)
    space.seed(0)
    np.testing.assert_array_equal(space.sample(), sample)


def test_half_bounded_spaces_keep_their_lower_bound(env):
    top = np.iinfo(np.int64).max  # an int64 space's stand-in for "unbounded above"
    count = env.spaces.observation["IrInstructionCount"]
    assert count.low == 0 and count.high == top
    autophase = env.spaces.observation["Autophase"]
    assert (autophase.low == 0).all() and (autophase.high == top).all()


def test_a_vector_without_a_fixed_length_is_a_sequence():
    proto = pb.Space(name="Counts", kind=pb.SPACE_KIND_INT64_VECTOR, bounds=pb.Bounds(low=0, high=9))
    space = from_proto(proto)
    assert isinstance(space, Sequence) and space.dtype == np.int64
    assert space.contains(np.array([0, 9, 3])) and space.contains([])
    assert not space.contains([10]) and not space.contains([[1]])


def test_a_dict_samples_what_it_contains_and_seeds_its_parts(env):
    space = Dict({name: env.spaces.observation[name] for name in ("Autophase", "IrInstructionCount")})
    space.seed(4)
    sample = space.sample()
    assert space.contains(sample) and sample in space
    space.seed(4)
    again = space.sample()
    np.testing.assert_array_equal(again["Autophase"], sample["Autophase"])
    assert again["IrInstructionCount"] == sample["IrInstructionCount"]
    assert not space.contains({"Autophase": sample["Autophase"]})
