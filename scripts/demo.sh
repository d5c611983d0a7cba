#!/usr/bin/env bash
# Runs the gateway in front of an npm registry, with the embedded store (nothing else to install).
#
#   scripts/demo.sh                                   # starts a local Verdaccio too, gateway on :8080
#   UPSTREAM=http://registry.internal:4873 scripts/demo.sh   # in front of your own registry
#   PORT=9000 scripts/demo.sh
#
# Then: npm adduser --registry http://127.0.0.1:8080/ ; npm profile enable-2fa auth-and-writes ...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"
upstream="${UPSTREAM:-}"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

if [[ -z "$upstream" ]]; then
  [[ -f tests/registry/node_modules/verdaccio/package.json ]] || npm ci --prefix tests/registry --no-audit --no-fund
  demo="$root/data/demo-verdaccio"
  mkdir -p "$demo/storage"
  cat >"$demo/config.yaml" <<YAML
storage: $demo/storage
auth:
  htpasswd:
    file: $demo/htpasswd
    max_users: 1000
packages:
  '@*/*': { access: \$all, publish: \$authenticated, unpublish: \$authenticated }
  '**': { access: \$all, publish: \$authenticated, unpublish: \$authenticated }
log: { type: stdout, format: pretty, level: warn }
listen: 127.0.0.1:4873
YAML
  node tests/registry/node_modules/verdaccio/bin/verdaccio --config "$demo/config.yaml" &
  pids+=($!)
  upstream="http://127.0.0.1:4873"
  echo "==> local Verdaccio on $upstream (data in $demo)" >&2
fi

echo "==> gateway on http://localhost:$port in front of $upstream (embedded store in ./data)" >&2
Gateway__Upstream="$upstream" Gateway__PublicUrl="${PUBLIC_URL:-http://localhost:$port}" \
  dotnet run --project src/Gateway -c Release -- --urls "http://127.0.0.1:$port" &
pids+=($!)
wait -n "${pids[@]}"
