"""Steps per second of a VectorCompilerEnv against as many environments stepped one after another.

    /usr/bin/python3 benchmarks/python/vector_throughput.py [ADDRESS] [--sessions 1 2 8 32] [--steps N]

against a running `cgym serve`: random llvm-22-passes actions on crc32 with no observation or
reward space, a reset every 50 steps (max_episode_steps; the vector resets by autoreset).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src" / "python"))
from compiler_gym_dotnet import CompilerEnv, VectorCompilerEnv  # noqa: E402

BENCHMARK = "benchmark://builtin-v0/crc32"
EPISODE = 50


def vector(address, n, steps):
    with VectorCompilerEnv(address, n, benchmark=BENCHMARK, max_episode_steps=EPISODE) as envs:
        envs.reset(seed=0)
        rng = envs.envs[0].np_random
        started = time.perf_counter()
        for _ in range(steps // n):
            envs.step(rng.integers(envs.single_action_space.n, size=n))
        return (steps // n) * n / (time.perf_counter() - started)


def separate(address, n, steps):
    envs = [CompilerEnv(address, benchmark=BENCHMARK, max_episode_steps=EPISODE) for _ in range(n)]
    try:
        for i, env in enumerate(envs):
            env.reset(seed=i)
        started = time.perf_counter()
        for _ in range(steps // n):
            for env in envs:
                if env.step(env.action_space.sample())[3]:
                    env.reset()
        return (steps // n) * n / (time.perf_counter() - started)
    finally:
        for env in envs:
            env.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", nargs="?", default=os.environ.get("CGYM_ADDRESS") or "127.0.0.1:50051")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 8, 32])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    print(f"steps/s, crc32, {args.steps} steps each; load average {os.getloadavg()[0]:.2f}")
    for n in args.sessions:
        print(f"  {n:4} sessions: vector {vector(args.address, n, args.steps):7.0f}   "
              f"one after another {separate(args.address, n, args.steps):7.0f}")


if __name__ == "__main__":
    main()
