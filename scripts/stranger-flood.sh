#!/usr/bin/env bash
# The "stranger flood" of issue 19 (docs/BENCHMARKS.md, "Stranger flood"): one address (127.0.0.2) sends every protected
# family anonymously and with junk credentials, huge tokens, 29 MB forms, half-sent bodies and idle connections, while
# enrolled owners on 127.0.0.1 publish, add dist-tags and create tokens with valid codes. Passes when every owner
# request succeeded (no 503, no 429) and the gateway's RSS came back within 64 MB of idle. Not part of CI. One command:
#   scripts/stranger-flood.sh                       # 60 s, 3 owners, 2,000 idle connections, 500 half-sent bodies
#   FLOOD_SECONDS=300 FLOOD_IDLE=5000 scripts/stranger-flood.sh
#   FLOOD_STORE=redis scripts/stranger-flood.sh     # a redis-server instead of the embedded store
#   GATEWAY_DLL=/path/to/Gateway.dll scripts/stranger-flood.sh   # another build
# Report in TestResults/stranger-flood.txt. Needs what scripts/test.sh installs (redis-server, Verdaccio under tests/registry).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export STRANGER_FLOOD=1
export FLOOD_REPORT="${FLOOD_REPORT:-$root/TestResults/stranger-flood.txt}"
mkdir -p "$(dirname "$FLOOD_REPORT")"
# Verdaccio's own bcrypt cost: the stranger's junk passwords cost the registry what they cost in production (the
# test harness lowers it to 4 to save CPU).
export VERDACCIO_BCRYPT_ROUNDS="${VERDACCIO_BCRYPT_ROUNDS:-10}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build src/Gateway -c Release -v quiet -nologo
dotnet build tests/Gateway.IntegrationTests -c Release -v quiet -nologo
status=0
dotnet test tests/Gateway.IntegrationTests -c Release --no-build --filter "FullyQualifiedName~StrangerFloodTests" \
  --logger "console;verbosity=normal" || status=$?
echo "==> report: $FLOOD_REPORT"
cat "$FLOOD_REPORT" 2>/dev/null || true
exit $status
