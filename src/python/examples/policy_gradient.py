"""A small policy-gradient agent in numpy, trained over a `cgym serve` server, against random search.

A linear softmax policy over the action space reads the program's Autophase features and is
trained with REINFORCE (a baseline per program) on the built-in programs less the held-out ones.
On each held-out program it then gets the same number of steps as random search: the policy its
most probable action at each step, random search a uniformly random one, neither repeating an
action that just left the program unchanged; each keeps the best state it reached. The reward is IrInstructionCountOz, so a sum of 1.0 is -Oz's reduction.

    /usr/bin/python3 src/python/examples/policy_gradient.py 127.0.0.1:50051 \\
        --held-out crc32 dijkstra huffman interp qsort sha256
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compiler_gym_dotnet import CompilerEnv  # noqa: E402

DATASET = "builtin-v0"


def features(observation):
    """Autophase counts on a log scale, as shares of the program's size, and a bias."""
    counts = np.log1p(np.asarray(observation, dtype=np.float64))
    return np.append(counts / max(counts.max(), 1.0), 1.0)


def softmax(logits):
    z = np.exp(logits - logits.max())
    return z / z.sum()


class LinearPolicy:
    def __init__(self, actions, dimensions, rng):
        self.weights = rng.normal(0, 0.01, (actions, dimensions))

    def probabilities(self, x):
        return softmax(self.weights @ x)

    def update(self, episode, advantage, learning_rate):
        """REINFORCE: raises the log-probability of each action taken in proportion to the advantage."""
        for x, action in episode:
            p = self.probabilities(x)
            gradient = -np.outer(p, x)
            gradient[action] += x
            self.weights += learning_rate * advantage * gradient


def rollout(env, benchmark, steps, choose):
    """Runs `steps` actions from the start of `benchmark`; returns the visited (features, action) and the best cumulative reward.

    `choose(x, tried)` picks an action for features `x` other than those in `tried`: the actions
    that left this same program unchanged, so that no agent repeats one that does nothing.
    """
    observation, _ = env.reset(options={"benchmark": benchmark})
    total, best, visited, tried = 0.0, 0.0, [], set()
    for _ in range(steps):
        x = features(observation)
        action = choose(x, tried)
        visited.append((x, action))
        observation, reward, terminated, truncated, info = env.step(action)
        tried = set() if info["ir_changed"] else tried | {action}
        total += reward
        best = max(best, total)
        if terminated or truncated:
            break
    return visited, total, best


def untried(p, tried):
    """`p` with the tried actions left out, renormalized."""
    p = p.copy()
    p[list(tried)] = 0
    return p / p.sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("address", help="a cgym serve server, HOST:PORT")
    parser.add_argument("--held-out", nargs="+", required=True, help=f"{DATASET} programs never trained on, evaluated on")
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--steps", type=int, default=15, help="steps per episode, and per evaluation")
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--random-runs", type=int, default=5, help="random searches per held-out program")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    held_out = [f"benchmark://{DATASET}/{name}" for name in args.held_out]
    with CompilerEnv(args.address, benchmark=held_out[0], observation_space="Autophase",
                     reward_space="IrInstructionCountOz") as env:
        training = [b for b in env.benchmarks(DATASET) if b not in held_out]
        observation, _ = env.reset(seed=args.seed)
        policy = LinearPolicy(env.action_space.n, features(observation).size, rng)
        baselines = {}
        started = time.perf_counter()
        for episode in range(args.episodes):
            benchmark = training[episode % len(training)]
            visited, total, _ = rollout(env, benchmark, args.steps,
                                        lambda x, tried: int(rng.choice(env.action_space.n, p=untried(policy.probabilities(x), tried))))
            baseline = baselines.get(benchmark, total)
            policy.update(visited, total - baseline, args.learning_rate / len(visited))
            baselines[benchmark] = 0.8 * baseline + 0.2 * total
        print(f"trained on {len(training)} programs: {args.episodes} episodes of {args.steps} steps "
              f"in {time.perf_counter() - started:.0f} s")

        print(f"{'program':<12} {'policy':>8} {'random':>8}   (best reward in {args.steps} steps; 1.0 = -Oz)")
        scores = []
        for benchmark in held_out:
            _, _, learned = rollout(env, benchmark, args.steps, lambda x, tried: int(np.argmax(untried(policy.probabilities(x), tried))))
            uniform = np.ones(env.action_space.n)
            random = np.mean([rollout(env, benchmark, args.steps, lambda x, tried: int(rng.choice(env.action_space.n, p=untried(uniform, tried))))[2]
                              for _ in range(args.random_runs)])
            scores.append((learned, random))
            print(f"{benchmark.rsplit('/', 1)[-1]:<12} {learned:8.3f} {random:8.3f}")
        learned, random = np.mean(scores, axis=0)
        print(f"{'mean':<12} {learned:8.3f} {random:8.3f}")


if __name__ == "__main__":
    main()
