"""The highest constant arrival rate a URL takes with its p99 latency under a bound.

    python3 bench/open_loop.py URL [--p99-ms 10] [--seconds 5] [--cpus 0] [-H 'Name: value' ...]

An open-loop load: `oha -q RATE --latency-correction` sends RATE requests a second whatever the
server's answers (a slow answer does not slow the sender, and the latency of the requests that
had to wait for a connection is counted from when they were due), on 64 connections, pinned to
the load generator's cores with taskset. The rate is doubled from 2,000 until p99 passes the
bound (or requests fail), then bisected to within 5 %. Prints "RATE P99_MS" of the highest rate
that held, and every step on standard error.
"""

import argparse
import json
import subprocess
import sys


def measure(args, rate):
    command = ["taskset", "-c", args.cpus, "oha", "-z", f"{args.seconds}s", "-q", str(rate),
               "-c", "64", "--latency-correction", "--no-tui", "--redirect", "0",
               "--output-format", "json"]
    for header in args.header:
        command += ["-H", header]
    command.append(args.url)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    summary = result["summary"]
    p99 = (result["latencyPercentiles"].get("p99") or 0) * 1000
    codes = result.get("statusCodeDistribution", {})
    answered = sum(codes.values())
    bad = sum(n for code, n in codes.items() if not (200 <= int(code) < 400))
    held = summary.get("successRate", 0) >= 0.999 and bad == 0 and p99 < args.p99_ms
    # The rate oha reached: requests answered over the run (it may fall behind the asked one).
    reached = answered / args.seconds
    held = held and reached >= 0.95 * rate
    print(f"   {rate:>7} req/s asked: {reached:>9.0f} answered/s, p99 {p99:6.2f} ms, "
          f"{'held' if held else 'NOT held'}", file=sys.stderr, flush=True)
    return held, p99


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--p99-ms", type=float, default=10.0)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--cpus", default="0")
    parser.add_argument("--start", type=int, default=2000)
    parser.add_argument("-H", dest="header", action="append", default=[])
    args = parser.parse_args()

    good, good_p99, bad = 0, 0.0, None
    rate = args.start
    while bad is None:
        held, p99 = measure(args, rate)
        if held:
            good, good_p99 = rate, p99
            rate *= 2
        else:
            bad = rate
    while good and bad - good > 0.05 * good:
        rate = (good + bad) // 2
        held, p99 = measure(args, rate)
        if held:
            good, good_p99 = rate, p99
        else:
            bad = rate
    print(f"{good} {good_p99:.2f}")


if __name__ == "__main__":
    main()
