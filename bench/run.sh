#!/usr/bin/env bash
# Benchmarks the npm 2FA gateway against a static nginx upstream, a bare YARP proxy and nginx as a
# reverse proxy (docs/BENCHMARKS.md). One command:
#   bench/run.sh            full run: 5 x 10 s per target and case, 100 MB publish, BenchmarkDotNet short job
#   QUICK=1 bench/run.sh    2 x 2 s (a few minutes)
#   bench/run.sh --smoke    1 x 1 s, no warm-up, 2 connections, 5 MB publish, BenchmarkDotNet dry job; no thresholds;
#                           exit 0 iff everything ran
#   bench/run.sh --cpu      read path CPU per request: bare YARP vs the gateway, packument GET, 7 interleaved rounds x 5 s
#                           (BENCH_CPU_WARMUP=40: a longer warm-up, so the rounds measure steady state),
#                           origin+wrk on CPU 0, proxies on CPU 1, utime+stime per request from /proc/<pid>/stat
#                           (BENCH_CPU_GATEWAYS="before=/path/Gateway.dll after=/path/Gateway.dll" compares builds;
#                            "name=dll,K=V,K=V" gives one of them settings, e.g. Gateway__Operations__HttpMetrics=true)
#                           (BENCH_CPU_AUTH=unrecorded|recorded|none: what the reads carry: a bearer token the gateway
#                           has no record of (default), one created through it, or no Authorization)
# Options (environment): BENCH_REPS, BENCH_SECONDS, BENCH_CONNECTIONS (16; smoke 2), BENCH_BIG_MB, BENCH_LOAD_CPUS (0),
# BENCH_SERVER_CPUS (1), BENCH_GATEWAY_ENV ("K=V K=V" for the .NET servers, e.g. DOTNET_gcServer=1),
# BENCH_OUT (also write the report there), BENCH_KEEP_TMP=1, BENCH_NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
[[ "${QUICK:-}" == 1 ]] && mode=quick
for arg in "$@"; do
  case "$arg" in
    --smoke) mode=smoke ;;
    --quick) mode=quick ;;
    --cpu) mode=cpu ;;
    *) echo "usage: bench/run.sh [--smoke|--quick|--cpu]" >&2; exit 2 ;;
  esac
done

# Tools from apt: nginx, wrk, redis-server/redis-cli, taskset (util-linux), curl, python3.
missing=()
for tool in nginx:nginx wrk:wrk redis-server:redis-server redis-cli:redis-tools taskset:util-linux curl:curl python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  sudo=""; [[ "$(id -u)" != 0 ]] && sudo="sudo"
  echo "bench: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  echo "bench: building (Release)" >&2
  # bench projects are not in Gateway.sln: built here, so dotnet test never sees them
  for project in src/Gateway/Gateway.csproj bench/BareYarp/BareYarp.csproj bench/Gateway.Microbench/Gateway.Microbench.csproj; do
    dotnet build -c Release -nologo -v quiet -clp:ErrorsOnly "$project" >&2
  done
fi

out=()
[[ -n "${BENCH_OUT:-}" ]] && out=(--out "$BENCH_OUT")
exec python3 bench/harness.py --mode "$mode" "${out[@]}"
