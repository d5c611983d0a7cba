#!/usr/bin/env bash
# The bounded soak of docs/SCALING.md: mixed traffic (reads anonymous and with a token, protected writes with a valid
# code, protected writes without one) through two gateway instances on one redis-server, then a report of errors,
# p50/p99 per kind, store memory per enrolled user and store commands per read / per protected request.
# Not part of CI (CI runs the same test for 10 s, 4 users). One command:
#   scripts/soak.sh                      # 10 minutes, 50 users, report in TestResults/soak-report.txt
#   SOAK_SECONDS=120 scripts/soak.sh     # shorter
# Needs what scripts/test.sh installs (redis-server, Verdaccio under tests/registry).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export SOAK_SECONDS="${SOAK_SECONDS:-600}" SOAK_USERS="${SOAK_USERS:-50}"
export SOAK_REPORT="${SOAK_REPORT:-$root/TestResults/soak-report.txt}"
mkdir -p "$(dirname "$SOAK_REPORT")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build Gateway.sln -c Release -v quiet
dotnet test tests/Gateway.IntegrationTests -c Release --no-build --filter "FullyQualifiedName~SoakTests" \
  --logger "console;verbosity=normal"
echo "==> report: $SOAK_REPORT"
cat "$SOAK_REPORT"
