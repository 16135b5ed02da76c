"""What a Python step costs over the bare round trip, measured side by side in one run.

    /usr/bin/python3 benchmarks/python/step_overhead.py [ADDRESS] [--steps N]

against a running `cgym serve` (default $CGYM_ADDRESS, else 127.0.0.1:50051). Rounds interleave
the kinds of call, so that load changes touch them alike; medians in µs:
  floor        GetVersion, unary: a call the server answers alone
  unary step   Step of the gRPC stub, unary
  stream step  Step of the gRPC stub, on the Calls stream
  env.step     CompilerEnv.step (the stream, and the client's Python around it)
  worker       the step's own time in the session's worker (StepReply.seconds)
"""

import argparse
import os
import queue
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src" / "python"))
from compiler_gym_dotnet import CompilerEnv  # noqa: E402
from compiler_gym_dotnet._proto import pb  # noqa: E402

BENCHMARK = "benchmark://builtin-v0/crc32"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", nargs="?", default=os.environ.get("CGYM_ADDRESS") or "127.0.0.1:50051")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--action", default="adce")
    args = parser.parse_args()

    with CompilerEnv(args.address, benchmark=BENCHMARK) as env:
        env.reset()
        action = env.action_space.names.index(args.action)
        gateway = env._connection.gateway
        stub, metadata = gateway.stub, gateway.metadata
        version = pb.GetVersionRequest()
        step = pb.StepRequest(session_id=env._session_id, actions=[action])
        requests = queue.SimpleQueue()
        replies = stub.Calls(iter(requests.get, None), metadata=metadata)
        stream_step = pb.CallRequest(step=step)

        def floor():
            stub.GetVersion(version, metadata=metadata)

        def unary():
            stub.Step(step, metadata=metadata)

        def stream():
            requests.put(stream_step)
            next(replies)

        worker = []

        def client():
            worker.append(env.step(action)[4]["seconds"])

        kinds = {"floor": floor, "unary step": unary, "stream step": stream, "env.step": client}
        times = {name: [] for name in kinds}
        for name, call in kinds.items():  # warm up
            for _ in range(100):
                call()
        worker.clear()
        rounds = 20
        for _ in range(rounds):
            for name, call in kinds.items():
                for _ in range(args.steps // rounds):
                    started = time.perf_counter_ns()
                    call()
                    times[name].append(time.perf_counter_ns() - started)
        requests.put(None)

    median = {name: statistics.median(t) / 1000 for name, t in times.items()}
    median["worker"] = statistics.median(worker) * 1e6
    print(f"{args.steps} calls each, crc32, action {args.action}; load average {os.getloadavg()[0]:.2f}")
    for name, value in median.items():
        print(f"  {name:12} {value:8.0f} µs")
    print(f"  env.step over the floor: {median['env.step'] - median['floor']:.0f} µs; "
          f"over the floor and the worker's step: {median['env.step'] - median['floor'] - median['worker']:.0f} µs")


if __name__ == "__main__":
    main()
