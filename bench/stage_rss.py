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
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (Processes, Failure, fresh_code)
import rss_rig  # noqa: E402

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


def main():
    mb = float(os.environ.get("BENCH_BIG_MB", "100"))
    tmp = tempfile.mkdtemp(prefix="gw-stage-rss-")
    procs = harness.Processes(tmp)
    server = None
    try:
        server, gw, base, secret = rss_rig.start(tmp, procs, {"Gateway__Staging__MaxTarballBytes": str(int(mb * 1_000_000) + 1)})

        body_file = os.path.join(tmp, "big.json")
        size, sha256 = make_body(body_file, mb)
        time.sleep(1)
        code, answer, idle1, peak1, s1 = rss_rig.measured_request(gw.pid, "POST", f"{base}/-/stage/package/bench-stage", body_file, {})
        if code != 201:
            raise harness.Failure(f"staging answered {code}: {answer[:300]!r}")
        stage_id = json.loads(answer)["stageId"]
        time.sleep(1)
        code, answer, idle2, peak2, s2 = rss_rig.measured_request(gw.pid, "POST", f"{base}/-/stage/{stage_id}/approve", None, {"npm-otp": harness.fresh_code(secret, 5)})
        if code != 201:
            raise harness.Failure(f"the approval answered {code}: {answer[:300]!r}")
        path, received, received_sha = rss_rig.Upstream.received[-1]
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
