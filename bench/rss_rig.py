"""What the RSS scripts share (bench/stage_rss.py, bench/web_approval_rss.py; docs/BENCHMARKS.md): a small Python
upstream, a redis-server and a Release gateway on loopback, the bench user enrolled through the gateway's npm API, and
curl requests during which the gateway's VmRSS is sampled."""
import hashlib
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.parse

import harness

TOKEN = "Bearer benchtoken"


class Upstream(http.server.BaseHTTPRequestHandler):
    """whoami -> bench for any credential; ping -> {}; any other GET -> 404 (a new package); any PUT read to the end
    and hashed, then 201. Each PUT is kept in `received` as (path, size, SHA-256)."""
    protocol_version = "HTTP/1.1"
    received = []

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/-/whoami":
            self.answer(200, {"username": "bench"})
        elif self.path == "/-/ping":
            self.answer(200, {})
        else:
            self.answer(404, {"error": "not found"})

    def do_PUT(self):
        left = int(self.headers.get("Content-Length", "0"))
        digest = hashlib.sha256()
        size = 0
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
            size += len(chunk)
            digest.update(chunk)
        Upstream.received.append((self.path, size, digest.hexdigest()))
        self.answer(201, {"ok": "created new package", "success": True})


def start(tmp, procs, settings):
    """Starts the upstream, redis-server and the gateway (with `settings` added to its environment); returns
    (the upstream's server, the gateway's process, its base URL, the enrolled user's TOTP secret)."""
    ports = {n: harness.free_port() for n in ["upstream", "gateway", "redis"]}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", ports["upstream"]), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    procs.start("redis", ["redis-server", "--port", str(ports["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp], None)
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    base = f"http://127.0.0.1:{ports['gateway']}"
    gw = procs.start("gateway", ["dotnet", os.path.join(harness.REPO, "src/Gateway/bin/Release/net10.0/Gateway.dll"), "--urls", base], None, {
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "Gateway__Upstream": f"http://127.0.0.1:{ports['upstream']}", "Gateway__PublicUrl": base,
        "Gateway__Store": f"127.0.0.1:{ports['redis']}", "Gateway__DataPath": data, **settings})
    harness.wait_ready(f"{base}/-/gateway/health", procs, 120)

    auth = {"Authorization": TOKEN, "Content-Type": "application/json"}
    status, body = harness.http("POST", f"{base}/-/npm/v1/user", json.dumps({"tfa": {"mode": "auth-and-writes", "password": "x"}}), auth)
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(json.loads(body)["tfa"]).query)["secret"][0]
    status, body = harness.http("POST", f"{base}/-/npm/v1/user", json.dumps({"tfa": [harness.totp(secret)]}), auth)
    if status != 200:
        raise harness.Failure(f"enrolment answered {status}: {body[:300]!r}")
    return server, gw, base, secret


def measured_request(pid, method, url, body_file, headers):
    """curl `method` (of the file, if any) while VmRSS is sampled every 50 ms; returns (status, body, idle MB, peak MB, seconds)."""
    stop = threading.Event()
    peak = [0]
    idle = harness.vmrss_kb(pid)

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], harness.vmrss_kb(pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out = tempfile.NamedTemporaryFile(delete=False)
    cmd = ["curl", "-sS", "-o", out.name, "-w", "%{http_code} %{time_total}", "-X", method, "-H", f"Authorization: {TOKEN}"]
    if body_file:
        cmd += ["--data-binary", f"@{body_file}", "-H", "Content-Type: application/json"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    r = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=600)
    time.sleep(0.2)
    stop.set()
    t.join()
    if r.returncode != 0:
        raise harness.Failure(f"curl failed: {r.stderr}")
    code, seconds = r.stdout.split()
    with open(out.name, "rb") as f:
        body = f.read()
    os.unlink(out.name)
    return int(code), body, idle / 1024, peak[0] / 1024, float(seconds)
