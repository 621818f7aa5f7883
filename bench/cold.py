#!/usr/bin/env python3
"""Cold latency of the catalog's lists and searches, one request at a time.

Starts a server on a database (which it does not copy: give it a scratch copy), waits for it to
be ready, then requests every distinct path of each paths file once, in sequence, and prints
p50/p99/max per class, plus the server's CPU time per request (from /proc). Each path is
requested once on a freshly started server, so every answer is computed, none served from the
response cache.

    python3 bench/cold.py --bin target/release/showroom --db sqlite:///tmp/x/catalog.db \
        --port 18610 --objects /tmp/x/objects \
        lists=/var/tmp/scale/lists.txt searches=/var/tmp/scale/searches.txt

--slowest N prints the N slowest paths of each class; --log FILE keeps the server's stderr
(with SHOWROOM_LOG_LEVEL=warn,sqlx::query=debug in the environment, every statement and its time).
"""

import argparse
import http.client
import os
import subprocess
import sys
import time


def percentile(sorted_ms, p):
    if not sorted_ms:
        return float("nan")
    i = min(len(sorted_ms) - 1, max(0, int(round(p / 100 * len(sorted_ms) + 0.5)) - 1))
    return sorted_ms[i]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def distinct(path):
    seen, out = set(), []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and line not in seen:
                seen.add(line)
                out.append(line)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--objects", required=True)
    ap.add_argument("--slowest", type=int, default=0)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("classes", nargs="+", help="NAME=PATHS_FILE")
    args = ap.parse_args()

    env = dict(os.environ)
    env.update(
        SHOWROOM_DATABASE_URL=args.db,
        SHOWROOM_STORAGE_URL=f"file://{args.objects}",
        SHOWROOM_CURRENCY="USD",
        SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS="0",
        SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC="10000000",
        SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST="10000000",
    )
    env.setdefault("SHOWROOM_LOG_LEVEL", "warn")
    log = open(args.log, "w")
    server = subprocess.Popen(
        [args.bin, "serve", "--listen", f"127.0.0.1:{args.port}"],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(3000):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        else:
            sys.exit("server not ready")
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        tick = os.sysconf("SC_CLK_TCK")
        for spec in args.classes:
            name, file = spec.split("=", 1)
            paths = distinct(file)
            times = []
            cpu0 = cpu_ticks(server.pid)
            for path in paths:
                t0 = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ms = (time.perf_counter() - t0) * 1000
                if resp.status != 200:
                    sys.exit(f"{path}: HTTP {resp.status}")
                times.append((ms, path))
            cpu_ms = (cpu_ticks(server.pid) - cpu0) * 1000 / tick / len(paths)
            ms = sorted(t for t, _ in times)
            print(
                f"{name:10} n={len(ms):4} p50={percentile(ms, 50):7.2f} ms "
                f"p99={percentile(ms, 99):7.2f} ms max={ms[-1]:7.2f} ms "
                f"mean={sum(ms) / len(ms):7.2f} ms cpu/req={cpu_ms:6.2f} ms"
            )
            for t, path in sorted(times, reverse=True)[: args.slowest]:
                print(f"    {t:8.2f} ms  {path}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
