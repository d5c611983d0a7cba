#!/usr/bin/env python3
"""RSS of the gateway during a large publish through the web-approval path (docs/BENCHMARKS.md, "Web approval").

    dotnet build src/Gateway -c Release && python3 bench/web_approval_rss.py      # BENCH_BIG_MB (100)

Starts, on loopback and free ports: a redis-server, a small Python upstream (whoami -> bench for any
credential; any PUT read to the end, then 201) and the gateway (Release build) with ASPNETCORE_TEMP in a
folder of its own. Enrols the user through the gateway's npm API, then:
  1. PUT /bench-big (BENCH_BIG_MB of JSON, base64 attachment) with npm-auth-type: web and no code: the gateway
     reads, spools and hashes the body, and answers the challenge with authUrl/doneUrl;
  2. approves on the page (antiforgery cookie + TOTP), takes the gwotp_ token from doneUrl;
  3. PUT the same file with npm-otp: <token>: hashed from the spool and forwarded from it (201).
VmRSS is sampled every 50 ms during each upload; the temp folder is checked empty afterwards. Not a CI test.
"""
import base64
import http.cookiejar
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (Processes, Failure, http, fresh_code)
import rss_rig  # noqa: E402

def make_body(path, mb):
    """npm's publish document with a base64 attachment: about mb MB of JSON in total."""
    raw = os.urandom(int(mb * 1_000_000 * 3 / 4))
    head = json.dumps({"_id": "bench-big", "name": "bench-big", "dist-tags": {"latest": "1.0.0"},
                       "versions": {"1.0.0": {"name": "bench-big", "version": "1.0.0",
                                              "dist": {"shasum": "0" * 40, "tarball": "http://x/bench-big/-/bench-big-1.0.0.tgz"}}}})
    with open(path, "wb") as f:
        f.write(head[:-1].encode() + b',"_attachments":{"bench-big-1.0.0.tgz":{"content_type":"application/octet-stream","data":"')
        f.write(base64.b64encode(raw))
        f.write(b'","length":' + str(len(raw)).encode() + b"}}}")
    return os.path.getsize(path)


def approve(auth_url, secret):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(auth_url, timeout=10).read().decode()
    token = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', page).group(1).replace("&#x2B;", "+").replace("&#x2F;", "/").replace("&#x3D;", "=")
    form = urllib.parse.urlencode({"__RequestVerificationToken": token, "code": harness.fresh_code(secret, 5)}).encode()
    done = opener.open(urllib.request.Request(auth_url, data=form, method="POST"), timeout=10).read().decode()
    if 'id="approved"' not in done:
        raise harness.Failure("the approval page did not approve: " + done[:500])
    return page


def main():
    mb = float(os.environ.get("BENCH_BIG_MB", "100"))
    tmp = tempfile.mkdtemp(prefix="gw-approval-rss-")
    spool = os.path.join(tmp, "aspnet-temp")
    os.makedirs(spool)
    procs = harness.Processes(tmp)
    server = None
    try:
        server, gw, base, secret = rss_rig.start(tmp, procs, {"ASPNETCORE_TEMP": spool})

        body_file = os.path.join(tmp, "big.json")
        size = make_body(body_file, mb)
        time.sleep(1)
        code, answer, idle1, peak1, s1 = rss_rig.measured_request(gw.pid, "PUT", f"{base}/bench-big", body_file, {"npm-auth-type": "web"})
        if code != 401:
            raise harness.Failure(f"the challenge answered {code}: {answer[:300]!r}")
        urls = json.loads(answer)
        page = approve(urls["authUrl"], secret)
        status, done = harness.http("GET", urls["doneUrl"])
        token = json.loads(done)["token"]
        time.sleep(1)
        code, answer, idle2, peak2, s2 = rss_rig.measured_request(gw.pid, "PUT", f"{base}/bench-big", body_file, {"npm-auth-type": "web", "npm-otp": token})
        if code != 201 or rss_rig.Upstream.received[-1][1] != size:
            raise harness.Failure(f"the approved publish answered {code} (upstream got {rss_rig.Upstream.received[-1:]}): {answer[:300]!r}")
        time.sleep(0.5)
        left = os.listdir(spool)
        shown = "1.0.0" in page and "bench-big-1.0.0.tgz" in page
        print(f"| body | {size / 1e6:.1f} MB |")
        print(f"| challenge (read, spooled, hashed, summarised; 401) | idle {idle1:.0f} MB, peak {peak1:.0f} MB, **+{peak1 - idle1:.0f} MB**, {s1:.1f} s |")
        print(f"| approved retry (hashed from the spool, forwarded from it; 201) | idle {idle2:.0f} MB, peak {peak2:.0f} MB, **+{peak2 - idle2:.0f} MB**, {s2:.1f} s |")
        print(f"| temp files left after the requests | {len(left)} |")
        print(f"| page showed version and attachment | {shown} |")
        return 0 if not left and shown else 1
    finally:
        if server:
            server.shutdown()
        procs.stop_all()
        if os.environ.get("BENCH_KEEP_TMP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
