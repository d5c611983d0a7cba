#!/usr/bin/env python3
"""Where a test run's CPU goes, by kind of process (docs/ARCHITECTURE.md, "Tests").

The CI suite is CPU-bound on 2 cores, so its wall time follows the CPU its processes use. This samples /proc twice a
second and keeps each process's last utime+stime, then sums them by kind (gateway processes, npm and the other
clients, Chromium, Verdaccio, test hosts, the build, ...). A process that lives less than half a second may be missed.

  scripts/cpu-by-process.py sample --seconds 900 --out /tmp/cpu.json &   # then, in another shell: .ci/run
  scripts/cpu-by-process.py report /tmp/cpu.json
"""
import argparse
import collections
import json
import os
import re
import time

TICK = os.sysconf("SC_CLK_TCK")


def read(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")[:300]
        stat = open(f"/proc/{pid}/stat").read()
        fields = stat[stat.rfind(")") + 2:].split()
        return cmd, (int(fields[11]) + int(fields[12])) / TICK, int(fields[19])
    except OSError:
        return None


def sample(seconds, out):
    # (pid, start time) -> [first command line seen, CPU seconds, CPU seconds to leave out: what a process that was
    # already running when sampling began had used by then]
    seen = {}
    began = float(open("/proc/uptime").read().split()[0]) * TICK  # in clock ticks since boot, as a process's start
    end = time.time() + seconds
    while time.time() < end:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            found = read(pid)
            if not found:
                continue
            cmd, cpu, started = found
            key = f"{pid}:{started}"
            if key in seen:
                # A zombie has no command line any more: keep the one seen while it ran.
                seen[key] = [seen[key][0] or cmd, cpu, seen[key][2]]
            else:
                seen[key] = [cmd, cpu, cpu if started < began else 0.0]
        time.sleep(0.5)
        with open(out, "w") as f:
            json.dump(seen, f)


def kind(cmd):
    if "Gateway.dll" in cmd:
        return "gateway (admin command)" if " admin " in cmd or " policy " in cmd else "gateway process"
    if "testhost" in cmd or "vstest" in cmd or re.search(r"Gateway\.\w+Tests\.runtimeconfig", cmd):
        return "test hosts"
    for word, name in [("verdaccio", "verdaccio"), ("chrom", "chromium"), ("redis", "redis"), ("nginx", "nginx"),
                       ("MSBuild", "build"), ("Roslyn", "build"), ("dotnet build", "build"), ("wrk ", "wrk")]:
        if word in cmd:
            return name
    client = re.search(r"clients/(\w+)|/(npm|pnpm|yarn|bun)\b", cmd)
    if client:
        return "client " + (client.group(1) or client.group(2))
    if "node" in cmd:
        return "node (other)"
    return "other: " + cmd[:40]


def report(path):
    seen = json.load(open(path))
    totals = collections.defaultdict(lambda: [0.0, 0])
    for cmd, cpu, before in seen.values():
        if not cmd:
            continue  # kernel threads
        totals[kind(cmd)][0] += cpu - before
        totals[kind(cmd)][1] += 1
    for name, (cpu, count) in sorted(totals.items(), key=lambda item: -item[1][0])[:30]:
        print(f"{cpu:8.1f} s CPU  {count:5d} processes  {name}")
    print(f"{sum(cpu for cpu, _ in totals.values()):8.1f} s CPU in all")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    sampling = commands.add_parser("sample")
    sampling.add_argument("--seconds", type=float, default=900)
    sampling.add_argument("--out", required=True)
    reporting = commands.add_parser("report")
    reporting.add_argument("path")
    args = parser.parse_args()
    if args.command == "sample":
        sample(args.seconds, args.out)
    else:
        report(args.path)
