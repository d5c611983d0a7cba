#!/usr/bin/env bash
# The memory figures of issue 19, items 8 and 10 (docs/BENCHMARKS.md, "Memory a stranger can hold"): the gateway's RSS
# before, at the peak and after (a) 20,000 requests with distinct 32,000-character bearers, (b) 24 parallel 29 MB
# sign-in forms, (c) 3,000 connections each holding a half-sent 64 KiB body; each on a fresh gateway, embedded store.
# Not part of CI. One command:
#   scripts/memory-figures.sh                                   # this checkout's build
#   GATEWAY_DLL=/path/to/other/Gateway.dll scripts/memory-figures.sh   # e.g. an older commit's build, for before/after
# Report in TestResults/memory-figures.txt. Needs Verdaccio under tests/registry (scripts/test.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export MEMORY_FIGURES=1
export FIGURES_REPORT="${FIGURES_REPORT:-$root/TestResults/memory-figures.txt}"
mkdir -p "$(dirname "$FIGURES_REPORT")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build src/Gateway -c Release -v quiet -nologo
dotnet build tests/Gateway.IntegrationTests -c Release -v quiet -nologo
dotnet test tests/Gateway.IntegrationTests -c Release --no-build --filter "FullyQualifiedName~MemoryFiguresTests" \
  --logger "console;verbosity=normal"
echo "==> report: $FIGURES_REPORT"
cat "$FIGURES_REPORT"
