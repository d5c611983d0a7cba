#!/usr/bin/env bash
# Profiles one server of `BENCH_HOLD=300 BENCH_GATEWAY_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
# DOTNET_ReadyToRun=0" bench/run.sh --cpu` (which prints the servers' ports and pids) under wrk load (docs/BENCHMARKS.md, issue 9):
#   bench/profile/record.sh NAME URL PID  ->  perf-NAME.data; then
#   python3 bench/profile/buckets.py perf-NAME.data            (share of samples by component)
#   python3 bench/profile/under.py perf-NAME.data "<frame>"    (what the samples under a frame call)
set -euo pipefail
name=$1; url=$2; pid=$3
taskset -c 0 wrk -t1 -c16 -d20s -H "Authorization: Bearer benchtoken" "$url/bench-pkg" > /dev/null   # warm-up
taskset -c 0 wrk -t1 -c16 -d16s -H "Authorization: Bearer benchtoken" "$url/bench-pkg" > "wrk-$name.txt" &
sleep 0.5
perf record -F 499 -e cpu-clock -g -p "$pid" -o "perf-$name.data" -- sleep 15 > /dev/null 2>&1
wait
