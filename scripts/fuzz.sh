#!/usr/bin/env bash
# The 2FA differential fuzzer (tests/Gateway.IntegrationTests/Fuzz/README.md) at a larger count than CI's.
#
#   scripts/fuzz.sh              # 10,000 variants, default seed
#   scripts/fuzz.sh 50000        # another count
#   FUZZ_SEED=42 scripts/fuzz.sh # another seed;  FUZZ_ONLY=17,905 replays single variants
#
# Progress: tail -f TestResults/fuzz/fuzz-report-<seed>.trace.txt (one line per variant, written as it goes).
# Prints the test's output (every finding, per-action counts, the summary line) and writes the report to
# TestResults/fuzz/fuzz-report-<seed>.txt. Exits non-zero when the fuzzer found anything.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export FUZZ_VARIANTS="${1:-${FUZZ_VARIANTS:-10000}}"
export FUZZ_SEED="${FUZZ_SEED:-20261127}"
export FUZZ_REPORT="${FUZZ_REPORT:-$root/TestResults/fuzz/fuzz-report-$FUZZ_SEED.txt}"

if [[ ! -e tests/registry/node_modules/verdaccio/bin/verdaccio ]]; then
  echo "Verdaccio is not installed: run scripts/test.sh once (or npm ci --prefix tests/registry)." >&2
  exit 2
fi

dotnet build tests/Gateway.IntegrationTests -c Release -v quiet -nologo
echo "==> fuzzing: $FUZZ_VARIANTS variants, seed $FUZZ_SEED; report: $FUZZ_REPORT" >&2
status=0
dotnet test tests/Gateway.IntegrationTests -c Release --no-build \
  --filter "FullyQualifiedName~Gateway.IntegrationTests.Fuzz.SecondFactorFuzzTests" \
  --logger "console;verbosity=detailed" || status=$?
echo "==> report: $FUZZ_REPORT" >&2
[[ -f "$FUZZ_REPORT" ]] && grep -E '^FUZZ SUMMARY' "$FUZZ_REPORT" >&2
exit "$status"
