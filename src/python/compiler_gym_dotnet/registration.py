"""Environment ids, as Gymnasium's registry: ``make("llvm-v0")`` is a CompilerEnv with that id's defaults."""

from dataclasses import dataclass, field, replace

from .env import CompilerEnv
from .vector import VectorCompilerEnv


@dataclass(frozen=True)
class EnvSpec:
    """An id and the CompilerEnv arguments it stands for (Gymnasium's ``EnvSpec``, what ``env.spec`` is)."""

    id: str
    kwargs: dict = field(default_factory=dict)
    max_episode_steps: int | None = None
    nondeterministic: bool = False


registry = {}


def register(id, max_episode_steps=None, nondeterministic=False, **kwargs):
    """Adds (or replaces) an id: ``kwargs`` are CompilerEnv arguments (environment, benchmark, spaces)."""
    registry[id] = EnvSpec(id, kwargs, max_episode_steps, nondeterministic)


def _spec(id, max_episode_steps, kwargs):
    if id not in registry:
        raise KeyError(f"unknown environment id {id!r} (registered: {', '.join(registry)})")
    spec = registry[id]
    if max_episode_steps is not None:
        spec = replace(spec, max_episode_steps=max_episode_steps)
    return replace(spec, kwargs={**spec.kwargs, **kwargs})


def make(id, address=None, max_episode_steps=None, **kwargs):
    """A CompilerEnv for ``id`` on the server at ``address`` (as CompilerEnv takes it); ``kwargs`` override the id's choices."""
    spec = _spec(id, max_episode_steps, kwargs)
    env = CompilerEnv(address,
                      max_episode_steps=spec.max_episode_steps, **spec.kwargs)
    env.spec = spec
    return env


def make_vec(id, num_envs, address=None, max_episode_steps=None, **kwargs):
    """A VectorCompilerEnv of ``num_envs`` sessions for ``id`` (Gymnasium's ``make_vec``)."""
    spec = _spec(id, max_episode_steps, kwargs)
    return VectorCompilerEnv(address, num_envs,
                             max_episode_steps=spec.max_episode_steps, **spec.kwargs)


# LLVM pass ordering for code size, as CompilerGym's llvm-v0 with its autophase-ic setup.
register("llvm-v0", environment="llvm-v0", observation_space="Autophase", reward_space="IrInstructionCountOz")
# MLIR loop nests (tiling, vectorizing, ...) for speed: rewards time the kernel, so they vary from run to run.
register("mlir-v0", nondeterministic=True, environment="mlir-v0", observation_space="LoopFeatures",
         reward_space="RuntimeLogSpeedup")
