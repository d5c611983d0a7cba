#!/usr/bin/env bash
# One address holds 20,000 idle connections while another works (docs/BENCHMARKS.md, "Idle connections from one
# address"; docs/SECURITY.md, "Availability"). Not part of CI: it takes about a minute and 20,000 descriptors.
#   scripts/stranger-connections.sh                                                   # default limits
#   GATEWAY_ENV="Gateway__Limits__MaxConnectionsPerAddress=0" scripts/stranger-connections.sh   # without the per-address limit
#   STRANGER_CONNECTIONS=5000 HOLD_SECONDS=20 scripts/stranger-connections.sh           # smaller
# Prints a Markdown table; exit status 0 when the gateway survived and every owner request was answered.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The gateway and each stranger worker get the hard descriptor limit (the stranger's connections are split over
# worker processes, so no process needs more than its share).
ulimit -n "$(ulimit -Hn)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build src/Gateway -c Release -v quiet -nologo >/dev/null
exec python3 bench/stranger/stranger_connections.py
