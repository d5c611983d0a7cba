#!/usr/bin/env python3
"""One address holds 20,000 idle connections; does everyone else still get answers? (issue 19, item 7)

Started by scripts/stranger-connections.sh (which builds the gateway and raises `ulimit -n`). Starts, on loopback:
  upstream  a tiny registry stand-in (GET /-/ping -> {}), in this process
  gateway   the built gateway (src/Gateway/bin/Release), embedded store, default Gateway:Limits unless overridden
then, from 127.0.0.2 (the stranger), opens STRANGER_CONNECTIONS idle TCP connections (split over worker processes:
each process is bound by the descriptor limit), holds them HOLD_SECONDS, and all the while (opening and holding) sends `GET /-/ping`
from 127.0.0.1 (the owner) every 0.1 s, each on a new connection. Prints a Markdown table: the owner's answers, the stranger's
connections the gateway held, the gateway's RSS and descriptors before / while held / after, and whether it survived.

Environment: STRANGER_CONNECTIONS (20000), HOLD_SECONDS (30), WORKERS (4),
GATEWAY_ENV (extra gateway settings, e.g. "Gateway__Limits__MaxConnectionsPerAddress=0").
"""
import http.server
import multiprocessing
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRANGER = "127.0.0.2"
OWNER = "127.0.0.1"


def log(msg):
    print(f"[stranger {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def proc_figures(pid):
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) // 1024
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def hold(port, count, hold_seconds, results):
    """A worker: opens `count` connections from the stranger's address, reports how many connected, holds them."""
    raise_nofile()
    sockets, failed = [], 0
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((STRANGER, 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", port))
            sockets.append(s)
        except OSError:
            failed += 1
            s.close()
    results.put((len(sockets), failed))
    time.sleep(hold_seconds)
    for s in sockets:
        s.close()


def owner_pings(port, stop, result):
    ok, failed, latencies = 0, 0, []
    while not stop.is_set():
        started = time.perf_counter()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(OWNER, 0))
            s.sendall(b"GET /-/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            s.close()
            if data.startswith(b"HTTP/1.1 200"):
                ok += 1
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        except OSError:
            failed += 1
        time.sleep(0.1)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("nan")
    result.extend([ok, failed, p50, p99])


def owner_while(port, action):
    """The owner sends GET /-/ping every 0.1 s, each on a new connection, while action() runs."""
    stop, result = threading.Event(), []
    thread = threading.Thread(target=owner_pings, args=(port, stop, result))
    thread.start()
    try:
        value = action()
    finally:
        stop.set()
        thread.join()
    return value, result


def main():
    total = int(os.environ.get("STRANGER_CONNECTIONS", "20000"))
    hold_seconds = int(os.environ.get("HOLD_SECONDS", "30"))
    workers = int(os.environ.get("WORKERS", "4"))
    extra = [kv.split("=", 1) for kv in os.environ.get("GATEWAY_ENV", "").split() if "=" in kv]
    hard = raise_nofile()

    upstream_port, gateway_port = free_port(), free_port()
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", upstream_port), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()

    data = tempfile.mkdtemp(prefix="gw-stranger-")
    env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{gateway_port}", Gateway__Upstream=f"http://127.0.0.1:{upstream_port}",
               Gateway__PublicUrl=f"http://localhost:{gateway_port}", Gateway__DataPath=data, Gateway__Store="embedded",
               DOTNET_gcServer="0")
    env.update(dict(extra))
    dll = os.path.join(REPO, "src/Gateway/bin/Release/net10.0/Gateway.dll")
    gateway = subprocess.Popen(["dotnet", dll], cwd=REPO, env=env, stdout=open(os.path.join(data, "gateway.log"), "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/-/ping", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the gateway did not start; see " + data)
        owner_while(gateway_port, lambda: time.sleep(3))  # warm up
        time.sleep(2)
        before = proc_figures(gateway.pid)
        log(f"gateway pid {gateway.pid}, descriptor limit {hard}; before: RSS {before[0]} MB, {before[1]} descriptors")

        results = multiprocessing.Queue()
        per = total // workers
        procs = [multiprocessing.Process(target=hold, args=(gateway_port, per, hold_seconds, results)) for _ in range(workers)]
        figures = {}

        def stranger():
            # Every worker opens its share, then holds it HOLD_SECONDS; the owner works through both phases.
            started = time.time()
            for p in procs:
                p.start()
            held = [results.get(timeout=3600) for _ in procs]
            figures["opened_in"] = time.time() - started
            time.sleep(2)
            figures["during"] = proc_figures(gateway.pid)
            time.sleep(max(0, hold_seconds - 5))
            figures["peak"] = proc_figures(gateway.pid)
            for p in procs:
                p.join()
            return held

        held, (ok, failed, p50, p99) = owner_while(gateway_port, stranger)
        opened_in, during, peak = figures["opened_in"], figures["during"], figures["peak"]
        time.sleep(5)
        alive = gateway.poll() is None
        after = proc_figures(gateway.pid) if alive else (0, 0)
        connected = sum(h[0] for h in held)
        refused_connect = sum(h[1] for h in held)
        settings = " ".join(f"{k}={v}" for k, v in extra) or "defaults"
        print(f"| gateway settings | {settings} |")
        print("| --- | --- |")
        print(f"| stranger (127.0.0.2): connections opened / connect failed (in {opened_in:.0f} s) | {connected} / {refused_connect} |")
        print(f"| connections the gateway held (its descriptors while held − before) | {during[1] - before[1]} |")
        print(f"| owner (127.0.0.1): `GET /-/ping` answered 200 / failed, while the stranger opened and held | {ok} / {failed} (p50 {p50:.1f} ms, p99 {p99:.1f} ms) |")
        print(f"| gateway RSS before / while held / end of hold / 5 s after | {before[0]} / {during[0]} / {peak[0]} / {after[0]} MB |")
        print(f"| gateway descriptors before / while held / end of hold / 5 s after | {before[1]} / {during[1]} / {peak[1]} / {after[1]} |")
        print(f"| gateway alive at the end | {'yes' if alive else 'NO'} |")
        return 0 if alive and failed == 0 else 1
    finally:
        gateway.terminate()
        try:
            gateway.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gateway.kill()
        upstream.shutdown()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
