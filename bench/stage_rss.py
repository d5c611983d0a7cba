#!/usr/bin/env python3
"""RSS of the gateway while a large publish is staged and approved (docs/BENCHMARKS.md, "Staged publishing").

    dotnet build src/Gateway -c Release && python3 bench/stage_rss.py      # BENCH_BIG_MB (100): the tarball's size

Starts, on loopback and free ports: a redis-server, a small Python upstream (whoami -> bench for any credential;
GET of the package -> 404, a new package; any PUT read to the end and hashed, then 201) and the gateway (Release
build). Enrols the user through the gateway's npm API, then:
  1. POST /-/stage/package/bench-stage: a publish document whose tarball is BENCH_BIG_MB of random bytes (base64,
     real shasum and integrity) -> 201 {stageId}: read streaming, decoded into the store's chunks, hashed;
  2. POST /-/stage/<id>/approve with a TOTP -> 201: the document rebuilt from the store and streamed to the upstream,
     which must receive exactly the bytes staged (same length and SHA-256).
VmRSS is sampled every 50 ms during each request (peak minus the value just before). Not a CI test.
"""
import base64
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (Processes, free_port, http, wait_ready, totp, fresh_code, vmrss_kb)

TOKEN = "Bearer benchtoken"


class Upstream(http.server.BaseHTTPRequestHandler):
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


def make_body(path, mb):
    """npm's publish document (compact, plain base64) with a tarball of mb MB of random bytes and its real digests."""
    raw = os.urandom(int(mb * 1_000_000))
    dist = {"shasum": hashlib.sha1(raw).hexdigest(), "integrity": "sha512-" + base64.b64encode(hashlib.sha512(raw).digest()).decode(),
            "tarball": "http://x/bench-stage/-/bench-stage-1.0.0.tgz"}
    head = json.dumps({"_id": "bench-stage", "name": "bench-stage", "dist-tags": {"latest": "1.0.0"},
                       "versions": {"1.0.0": {"name": "bench-stage", "version": "1.0.0", "dist": dist}}, "access": None}, separators=(",", ":"))
    with open(path, "wb") as f:
        f.write(head[:-1].encode() + b',"_attachments":{"bench-stage-1.0.0.tgz":{"content_type":"application/octet-stream","data":"')
        f.write(base64.b64encode(raw))
        f.write(b'","length":' + str(len(raw)).encode() + b"}}}")
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return os.path.getsize(path), digest.hexdigest()


def request(pid, url, body_file, headers):
    """curl POST (of the file, if any) while VmRSS is sampled; returns (status, body, idle MB, peak MB, seconds)."""
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
    cmd = ["curl", "-sS", "-o", out.name, "-w", "%{http_code} %{time_total}", "-X", "POST", "-H", f"Authorization: {TOKEN}"]
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


def main():
    mb = float(os.environ.get("BENCH_BIG_MB", "100"))
    tmp = tempfile.mkdtemp(prefix="gw-stage-rss-")
    procs = harness.Processes(tmp)
    server = None
    try:
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
            "Gateway__Store": f"127.0.0.1:{ports['redis']}", "Gateway__DataPath": data,
            "Gateway__Staging__MaxTarballBytes": str(int(mb * 1_000_000) + 1)})
        harness.wait_ready(f"{base}/-/gateway/health", procs, 120)

        auth = {"Authorization": TOKEN, "Content-Type": "application/json"}
        status, body = harness.http("POST", f"{base}/-/npm/v1/user", json.dumps({"tfa": {"mode": "auth-and-writes", "password": "x"}}), auth)
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(json.loads(body)["tfa"]).query)["secret"][0]
        status, body = harness.http("POST", f"{base}/-/npm/v1/user", json.dumps({"tfa": [harness.totp(secret)]}), auth)
        if status != 200:
            raise harness.Failure(f"enrolment answered {status}: {body[:300]!r}")

        body_file = os.path.join(tmp, "big.json")
        size, sha256 = make_body(body_file, mb)
        time.sleep(1)
        code, answer, idle1, peak1, s1 = request(gw.pid, f"{base}/-/stage/package/bench-stage", body_file, {})
        if code != 201:
            raise harness.Failure(f"staging answered {code}: {answer[:300]!r}")
        stage_id = json.loads(answer)["stageId"]
        time.sleep(1)
        code, answer, idle2, peak2, s2 = request(gw.pid, f"{base}/-/stage/{stage_id}/approve", None, {"npm-otp": harness.fresh_code(secret, 5)})
        if code != 201:
            raise harness.Failure(f"the approval answered {code}: {answer[:300]!r}")
        path, received, received_sha = Upstream.received[-1]
        exact = path == "/bench-stage" and received == size and received_sha == sha256
        print(f"| body | {size / 1e6:.1f} MB ({mb:.0f} MB tarball) |")
        print(f"| stage (read streaming, decoded into the store, hashed; 201) | idle {idle1:.0f} MB, peak {peak1:.0f} MB, **+{peak1 - idle1:.0f} MB**, {s1:.1f} s |")
        print(f"| approve (rebuilt from the store, streamed to the registry; 201) | idle {idle2:.0f} MB, peak {peak2:.0f} MB, **+{peak2 - idle2:.0f} MB**, {s2:.1f} s |")
        print(f"| registry received the staged document byte for byte | {exact} |")
        return 0 if exact else 1
    finally:
        if server:
            server.shutdown()
        procs.stop_all()
        if os.environ.get("BENCH_KEEP_TMP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
