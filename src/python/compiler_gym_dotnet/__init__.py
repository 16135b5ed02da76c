"""Python client for CompilerGym for .NET: LLVM pass-ordering environments served over gRPC.

    from compiler_gym_dotnet import CompilerEnv
    with CompilerEnv("127.0.0.1:50051", benchmark="benchmark://builtin-v0/crc32",
                     observation_space="Autophase", reward_space="IrInstructionCountOz") as env:
        observation, info = env.reset(seed=0)
        observation, reward, terminated, truncated, info = env.step(env.action_space.sample())
"""

from .env import CompilerEnv, CompilerEnvState, Spaces, ValidationResult
from .errors import (AuthenticationError, BenchmarkExistsError, CompilerGymError, InapplicableActionError, InvalidArgumentError,
                     ServerUnavailableError, SessionLostError, SessionNotFoundError, SessionRestoredError)
from .spaces import Box, Bytes, Discrete, Space, Text

__all__ = [
    "AuthenticationError", "BenchmarkExistsError", "Box", "Bytes", "CompilerEnv", "CompilerEnvState", "CompilerGymError", "Discrete",
    "InapplicableActionError", "InvalidArgumentError", "ServerUnavailableError", "SessionLostError", "SessionNotFoundError", "SessionRestoredError", "Space",
    "Spaces", "Text", "ValidationResult",
]
