#!/usr/bin/env bash
# Wrong-password timing on the sign-in page (docs/SECURITY.md, "No probing"; figures in docs/BENCHMARKS.md,
# "Wrong-password timing"): a name with 2FA, one without, an unknown one, against Verdaccio 6.8, without and with the
# floor. Not part of CI (CI takes 3 samples and asserts the floor's lower bound). One command:
#   scripts/signin-timing.sh                         # 200 samples per name and gateway
#   SIGNIN_TIMING_SAMPLES=50 scripts/signin-timing.sh
# Needs what scripts/test.sh installs (redis-server, Verdaccio under tests/registry).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export SIGNIN_TIMING_SAMPLES="${SIGNIN_TIMING_SAMPLES:-200}"
export SIGNIN_TIMING_REPORT="${SIGNIN_TIMING_REPORT:-$root/TestResults/signin-timing.txt}"
mkdir -p "$(dirname "$SIGNIN_TIMING_REPORT")"
# Verdaccio's own bcrypt cost (the test harness lowers it to 4 to save CPU; the figures need the real one).
export VERDACCIO_BCRYPT_ROUNDS="${VERDACCIO_BCRYPT_ROUNDS:-10}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build tests/Gateway.IntegrationTests -c Release -v quiet
dotnet test tests/Gateway.IntegrationTests -c Release --no-build --filter "FullyQualifiedName~SignInTimingTests" \
  --logger "console;verbosity=normal"
echo "==> report: $SIGNIN_TIMING_REPORT"
cat "$SIGNIN_TIMING_REPORT"
