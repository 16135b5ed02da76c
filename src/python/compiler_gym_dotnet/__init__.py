"""Python client for CompilerGym for .NET: compiler optimization environments served over gRPC.

    import compiler_gym_dotnet as cgym
    with cgym.make("llvm-v0", "127.0.0.1:50051", max_episode_steps=50) as env:
        observation, info = env.reset(seed=0)
        observation, reward, terminated, truncated, info = env.step(env.action_space.sample())
"""

from .env import CompilerEnv, CompilerEnvState, Spaces, ValidationResult
from .errors import (AuthenticationError, BenchmarkExistsError, CallTimeoutError, CompilerGymError, EnvironmentClosedError,
                     InapplicableActionError, InvalidArgumentError, ResetNeededError, ServerUnavailableError, SessionLostError,
                     SessionNotFoundError, SessionRestoredError, UnknownNameError)
from .registration import EnvSpec, make, make_vec, register, registry
from .spaces import Box, Bytes, Dict, Discrete, MultiDiscrete, Sequence, Space, Text, Tuple, batch_space
from .vector import VectorCompilerEnv, VectorStepError

__all__ = [
    "AuthenticationError", "BenchmarkExistsError", "Box", "Bytes", "CallTimeoutError", "CompilerEnv", "CompilerEnvState",
    "CompilerGymError", "Dict", "Discrete", "EnvSpec", "EnvironmentClosedError", "InapplicableActionError",
    "InvalidArgumentError", "MultiDiscrete", "ResetNeededError", "Sequence", "ServerUnavailableError", "SessionLostError",
    "SessionNotFoundError", "SessionRestoredError", "Space", "Spaces", "Text", "Tuple", "UnknownNameError", "ValidationResult",
    "VectorCompilerEnv", "VectorStepError", "batch_space", "make", "make_vec", "register", "registry",
]
