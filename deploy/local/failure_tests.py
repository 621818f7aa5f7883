"""The topology failure tests of issue 13, items 1-5, against a running deploy/local topology.

Under steady browse + cart + checkout load (load.py) it, in order:
  1. kills one instance with SIGKILL, restarts it and waits until HAProxy has it back;
  2. stops PostgreSQL, checks the instances turn not-ready, starts it, and measures how long
     until checkouts succeed again (at most 10 s);
  3. stops Redis for 10 s: catalog and checkout must keep at least 50 % of their normal
     throughput; then starts it and checks the response cache is used again;
  4. restarts every instance in turn with SIGTERM: no request may fail;
  5. edits a product through instance 1 and reads it at once through instances 2 and 3; a guest
     order link and a signed asset URL minted on instance 1 must work on the others, and after
     the rolling restart.
Then it counts orders and stock in the database: every confirmed checkout exactly once, stock
down by exactly the units sold. It prints one table and exits 1 if any check failed.
Bounded: about two minutes of load; every wait has a deadline.
"""

import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import ASSET, CART, CATALOG, CHECKOUT, Load  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def lib(command):
    """Runs a lib.sh function (with the topology's settings) and returns its output."""
    script = f'. "{HERE}/lib.sh"; SHOWROOM_BIN="$(cat "$RUN/binary")"; {command}'
    return subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True).stdout.strip()


SETTINGS = dict(line.split("=", 1) for line in lib(
    'echo "edge=$EDGE_PORT"; echo "stats=$LB_STATS_PORT"; echo "pg=$PG_PORT"; '
    'echo "token=$ADMIN_TOKEN"; echo "secret=$ORIGIN_SECRET"; '
    'for n in 1 2 3; do echo "app$n=$(app_port $n)"; done').splitlines())
EDGE = f"http://127.0.0.1:{SETTINGS['edge']}"
APPS = {n: f"http://127.0.0.1:{SETTINGS[f'app{n}']}" for n in (1, 2, 3)}
ADMIN = {"Authorization": f"Bearer {SETTINGS['token']}"}
ORIGIN = {"X-Showroom-Origin-Secret": SETTINGS["secret"]}
CHECKS = []  # (what, passed, detail)


def check(what, passed, detail=""):
    CHECKS.append((what, bool(passed), detail))


def http(method, url, body=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Accept": "application/json", **({"Content-Type": "application/json"} if data else {}),
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def scoped_key(key, scope="anonymous"):
    """The checkout key as the shop stores it (showroom-shop `Buyer::scoped_key`)."""
    digest = hashlib.sha256(b"showroom-checkout-key:v1:" + scope.encode() + b"\n" + key.encode())
    return "scoped-" + digest.hexdigest()


def sql(query):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", SETTINGS["pg"], "-U", "showroom", "-d", "showroom",
                          "-At", "-c", query], check=True, capture_output=True, text=True).stdout
    return out.strip()


def haproxy_status():
    """Server name -> status (UP, DOWN, DRAIN, …) from HAProxy's CSV stats."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{SETTINGS['stats']}/;csv", timeout=2) as response:
            rows = response.read().decode().splitlines()
    except OSError:
        return {}
    header = rows[0].lstrip("# ").split(",")
    status = {}
    for row in rows[1:]:
        cells = dict(zip(header, row.split(",")))
        if cells.get("pxname") == "instances" and cells.get("svname", "").startswith("i"):
            status[cells["svname"]] = cells.get("status", "")
    return status


def wait_until(what, seconds, condition, step=0.1):
    """Seconds it took for `condition` to hold, or None after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


def metric_sum(name):
    total = 0.0
    for url in APPS.values():
        status, body = http("GET", f"{url}/metrics", timeout=3)
        if status != 200:
            continue
        for line in body.decode().splitlines():
            if line.startswith(name):
                total += float(line.rsplit(" ", 1)[1])
    return total


def setup():
    status, body = http("GET", f"{EDGE}/api/v1/products?limit=24")
    assert status == 200, f"product list: {status} {body[:200]!r}"
    items = json.loads(body)["items"]
    slugs = [p["slug"] for p in items]
    assets = [p["cover"]["url"].split(str(SETTINGS["edge"]), 1)[1] for p in items if p.get("cover")]
    # The demo seeds rows and originals at once and processes the models in the background;
    # the optimized GLBs (the covers) exist only once their jobs are done.
    pending = lambda: [a for a in assets if http("GET", f"{APPS[1]}{a}", headers=ORIGIN, timeout=5)[0] != 200]
    took = wait_until("demo models processed", 300, lambda: not pending(), step=1)
    assert took is not None, f"demo models still not processed after 300 s: {pending()[:3]} …"
    print(f"demo models processed ({len(assets)} covers answer 200) after waiting {took:.1f} s")
    variants = []
    for slug in slugs[:6]:
        product = json.loads(http("GET", f"{EDGE}/api/v1/products/{slug}")[1])
        variant = product["variants"][0]["id"]
        status, body = http("POST", f"{EDGE}/api/v1/admin/variants/{variant}/inventory-adjustments",
                            {"delta": 100000, "reason": "restock"}, ADMIN)
        assert status in (200, 201), f"restock: {status} {body[:200]!r}"
        variants.append(variant)
    return slugs, variants, assets


def stock_of(variants):
    ids = ",".join(f"'{v}'" for v in variants)
    return int(sql(f"SELECT COALESCE(SUM(on_hand), 0) FROM variants WHERE id IN ({ids})"))


def mint_links(variant):
    """A guest order and a signed URL, both minted on instance 1."""
    status, body = http("POST", f"{APPS[1]}/api/v1/checkout", {
        "email": "links@example.com",
        "shipping_address": {"name": "Link Test", "line1": "2 Link St", "postal_code": "10001",
                             "city": "New York", "country": "US"},
        "lines": [{"variant_id": variant, "quantity": 1}],
        "payment": {"card_number": "4242424242424242"}},
        {"Idempotency-Key": f"links-{uuid.uuid4().hex}"})
    assert status == 201, f"link checkout: {status} {body[:300]!r}"
    order = json.loads(body)
    order_path = f"/api/v1/orders/{order['id']}?token={order['order_token']}"
    # An upload no product uses yet: only staff or a signed URL may fetch it.
    glb = demo_glb()
    request = urllib.request.Request(f"{APPS[1]}/api/v1/admin/assets?name=links.glb", data=glb, method="POST",
                                     headers={**ADMIN, "Content-Type": "model/gltf-binary"})
    with urllib.request.urlopen(request, timeout=30) as response:
        upload = json.loads(response.read())
    digest = upload.get("hash") or upload["sha256"]
    status, body = http("POST", f"{APPS[1]}/api/v1/admin/assets/{digest}/original.glb/signed-url?ttl_secs=3600",
                        None, ADMIN)
    assert status == 200, f"signed url: {status} {body[:300]!r}"
    signed = json.loads(body)["url"]
    signed_path = signed[signed.index("/assets/"):]
    return order_path, signed_path, f"/assets/{digest}/original.glb"


def demo_glb():
    """Some valid GLB bytes that no product uses: a demo model fetched from the shop, re-wrapped
    with a random extra so its content hash is new."""
    status, body = http("GET", f"{EDGE}/api/v1/products?limit=1")
    product = json.loads(body)["items"][0]
    url = product["cover"]["url"]
    with urllib.request.urlopen(url, timeout=10) as response:
        glb = bytearray(response.read())
    # Pad the JSON chunk with spaces (allowed by the spec) to change the hash, keep the model.
    import struct
    json_length = struct.unpack_from("<I", glb, 12)[0]
    pad = 4 * (1 + uuid.uuid4().int % 64)
    chunk = glb[20:20 + json_length] + b" " * pad
    rest = glb[20 + json_length:]
    out = bytearray(glb[:12]) + struct.pack("<I", len(chunk)) + glb[16:20] + chunk + rest
    struct.pack_into("<I", out, 8, len(out))
    return bytes(out)


def links_work(order_path, signed_path, where):
    results = []
    for n, url in APPS.items():
        order_status, _ = http("GET", f"{url}{order_path}")
        signed_status, _ = http("GET", f"{url}{signed_path}", headers=ORIGIN)
        results.append((n, order_status, signed_status))
    ok = all(o == 200 and s == 200 for _, o, s in results)
    check(f"order link and signed URL from instance 1 work on 1, 2, 3 ({where})", ok,
          " ".join(f"i{n}:{o}/{s}" for n, o, s in results))


def main():
    run_id = uuid.uuid4().hex[:10]
    slugs, variants, assets = setup()
    stock_before = stock_of(variants)
    order_path, signed_path, unsigned_path = mint_links(variants[0])
    stock_before -= 1  # the link test's own order
    status, _ = http("GET", f"{APPS[2]}{unsigned_path}", headers=ORIGIN)
    check("the unpublished upload is refused without a signature", status == 404, f"status {status}")
    links_work(order_path, signed_path, "at once")

    load = Load("127.0.0.1", int(SETTINGS["edge"]), slugs, variants, run_id, assets)
    rec = load.recorder
    recovery = {}
    load.start()
    rec.begin("warm-up")
    time.sleep(3)
    baseline = rec.begin("normal")
    # The capacity and cost advisor reads the live instances while the load is steady.
    recording = lib('echo "$LOCAL_DIR/advisor-recording.txt"')
    edge_log = lib('echo "$LOGS/edge-access.log"')
    advisor = subprocess.Popen(
        [lib('echo "$SHOWROOM_BIN"'), "advisor", *[a for url in APPS.values() for a in ("--url", url)],
         "--window-secs", "6", "--record", recording, "--edge-log", edge_log, "--peak-rps", "20000",
         "--average-rps", "2000"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(8)
    advice = advisor.communicate(timeout=30)[0]
    check("showroom advisor reads the live instances", advisor.returncode == 0, advice[-300:] if advisor.returncode else "")

    # 1. kill -9 one instance; it is restarted (as systemd would) and must rejoin.
    rec.begin("1 kill -9 instance 2")
    lib("kill -KILL $(pid_of instance-2)")
    down = wait_until("HAProxy marks i2 down", 10, lambda: haproxy_status().get("i2", "").startswith("DOWN"))
    check("HAProxy marks the killed instance down", down is not None, f"{down:.1f} s" if down else "never")
    time.sleep(1)
    restarted = time.monotonic()
    lib("instance_start 2")
    back = wait_until("i2 back", 30, lambda: haproxy_status().get("i2") == "UP")
    recovery["1 kill -9 instance 2"] = time.monotonic() - restarted if back is not None else None
    check("the killed instance restarts and rejoins", back is not None)
    time.sleep(2)

    # 2. PostgreSQL stopped and started.
    tally = rec.begin("2 PostgreSQL stop/start")
    lib("pg_stop")
    unready = wait_until("instances not ready", 10, lambda: all(
        status.startswith("DOWN") for status in haproxy_status().values()))
    check("instances turn not-ready without PostgreSQL (HAProxy takes them out)", unready is not None,
          f"{unready:.1f} s" if unready is not None else str(haproxy_status()))
    time.sleep(3)
    checkouts_before = tally.ok[CHECKOUT]
    lib("pg_start")
    returned = time.monotonic()
    ready = wait_until("instances ready", 15, lambda: all(
        http("GET", f"{u}/readyz", timeout=2)[0] == 200 for u in APPS.values()))
    served = wait_until("checkouts succeed", 15, lambda: tally.ok[CHECKOUT] > checkouts_before)
    pg_recovery = max(ready or 99, served or 99)
    recovery["2 PostgreSQL stop/start"] = pg_recovery
    check("instances recover by themselves within 10 s of PostgreSQL's return", pg_recovery <= 10,
          f"ready after {ready or 99:.1f} s, first checkout after {served or 99:.1f} s")
    # Checkouts caught in the restart may hang on until the server gives up on them; wait (60 s at
    # most) until every checkout begun before PostgreSQL's return has an answer, so that the next
    # phase measures Redis, not the tail of this one. The tail is reported.
    tail = wait_until("checkouts begun during the outage end", 60, lambda: (
        load.oldest_checkout_began() is None or load.oldest_checkout_began() > returned), step=0.2)
    tally.notes.append(f"last checkout begun during the outage answered {tail or 60:.1f} s after its return")
    check("checkouts begun during the PostgreSQL outage get an answer within 60 s", tail is not None,
          tally.notes[-1])
    time.sleep(2)

    # 3. Redis stopped for 10 s.
    hits_before = metric_sum("showroom_cache_hits_total")
    outage = rec.begin("3 Redis stopped 10 s")
    lib("redis_stop")
    time.sleep(10)
    lib("redis_start")
    after = rec.begin("3 Redis back")
    time.sleep(5)
    skips = metric_sum("showroom_cache_breaker_skips_total")
    hits_after = metric_sum("showroom_cache_hits_total")
    for kind in (CATALOG, CHECKOUT):
        normal, degraded = baseline.rate(kind), outage.rate(kind)
        check(f"{kind} keeps ≥ 50 % of normal throughput without Redis", degraded >= 0.5 * normal,
              f"{degraded:.0f}/s vs {normal:.0f}/s ({100 * degraded / max(normal, 1e-9):.0f} %)")
    check("the breaker skipped Redis instead of waiting on it (showroom_cache_breaker_skips_total)", skips > 0,
          f"{skips:.0f} skips")
    check("the response cache is used again once Redis is back", hits_after > hits_before,
          f"hits {hits_before:.0f} → {hits_after:.0f}")
    recovery["3 Redis stopped 10 s"] = None

    # 4. Rolling restart, SIGTERM one at a time.
    roll = rec.begin("4 rolling restart (SIGTERM)")
    started = time.monotonic()
    for n in (1, 2, 3):
        lib(f"stop_bg instance-{n} TERM; instance_start {n}")
        wait_until(f"i{n} up", 30, lambda: haproxy_status().get(f"i{n}") == "UP")
    recovery["4 rolling restart (SIGTERM)"] = time.monotonic() - started
    time.sleep(1)
    failed = sum(roll.final_failures.values())
    check("rolling restart: zero failed requests (of those it began)", failed == 0, f"{failed} failed, "
          f"{sum(roll.errors.values())} retried attempts")

    # 5. An edit through instance 1 is visible through 2 and 3 at once.
    rec.begin("5 edit, links")
    slug = slugs[0]
    product = json.loads(http("GET", f"{APPS[2]}/api/v1/products/{slug}")[1])
    title = f"Edited {run_id}"
    status, body = http("PATCH", f"{APPS[1]}/api/v1/admin/products/{product['id']}", {"title": title}, ADMIN)
    seen = [json.loads(http("GET", f"{APPS[n]}/api/v1/products/{slug}")[1]).get("title") for n in (2, 3)]
    check("an edit through instance 1 is visible through 2 and 3 at once", status == 200 and seen == [title, title],
          f"PATCH {status}, read {seen}")
    links_work(order_path, signed_path, "after kill -9 and a rolling restart")
    load.stop()

    # Orders and stock, counted in the database.
    expected = len(load.confirmed)
    found = int(sql(f"SELECT COUNT(*) FROM orders WHERE email = 'load+{run_id}@example.com'"))
    # Each key names one order; an order that no key of the load names would be a duplicate of a
    # retry. The shop stores a key scoped to its buyer (the load's checkouts have no session).
    stored_keys = dict(line.split("|") for line in sql(
        f"SELECT k.key, k.order_id FROM checkout_keys k JOIN orders o ON o.id = k.order_id "
        f"WHERE o.email = 'load+{run_id}@example.com'").splitlines() if line)
    load_keys = set(load.confirmed) | set(load.unconfirmed)
    keyed = len({stored_keys[k] for k in map(scoped_key, load_keys) if k in stored_keys})
    duplicates = found - keyed
    confirmed_ids = set(load.confirmed.values())
    ids = sql(f"SELECT id FROM orders WHERE email = 'load+{run_id}@example.com'").split()
    units = int(sql(f"SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                    f"WHERE o.email = 'load+{run_id}@example.com' AND o.state = 'paid'"))
    stock_after = stock_of(variants)
    check("every confirmed checkout is in the database exactly once",
          confirmed_ids <= set(ids) and duplicates == 0 and found == expected + len(set(ids) - confirmed_ids),
          f"expected {expected}, found {found}, unconfirmed {len(load.unconfirmed)}")
    check("stock went down by exactly the units sold", stock_before - stock_after == units,
          f"stock −{stock_before - stock_after}, units sold {units}")
    print_table(rec, recovery, expected, found, load)
    print("\nshowroom advisor on the live instances during the normal phase (recorded to "
          f"{recording}):\n{advice}")
    failed = [c for c in CHECKS if not c[1]]
    print()
    for what, passed, detail in CHECKS:
        print(f"  {'ok  ' if passed else 'FAIL'} {what}{': ' + detail if detail else ''}")
    print(f"\n{len(CHECKS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def print_table(rec, recovery, expected, found, load):
    print("\nTopology failure tests (3 instances, HAProxy, nginx edge, PostgreSQL, Redis, S3)")
    header = f"{'phase':<30} {'s':>5} {'requests':>8} {'catalog/s':>9} {'checkout/s':>10} " \
             f"{'cart/s':>7} {'asset/s':>7} {'failed':>6} {'recovery s':>10}  errors by kind (retried attempts)"
    print(header)
    print("-" * len(header))
    for tally in rec.phases:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(tally.errors.items())) or "-"
        rec_s = recovery.get(tally.name)
        print(f"{tally.name:<30} {tally.seconds():>5.1f} {tally.attempts:>8} {tally.rate(CATALOG):>9.0f} "
              f"{tally.rate(CHECKOUT):>10.1f} {tally.rate(CART):>7.1f} {tally.rate(ASSET):>7.1f} "
              f"{sum(tally.final_failures.values()):>6} "
              f"{(f'{rec_s:.1f}' if rec_s is not None else '-'):>10}  {errors}")
    for tally in rec.phases:
        for note in tally.notes:
            print(f"{tally.name}: {note}")
    finals = sum((t.final_failures for t in rec.phases), start=__import__("collections").Counter())
    print("failed requests by kind (after retries): "
          + (", ".join(f"{k} {v}" for k, v in sorted(finals.items())) or "none"))
    print(f"orders: expected {expected} (confirmed to clients), found {found} in the database, "
          f"{len(load.unconfirmed)} never confirmed"
          + (f" ({', '.join(f'{k} {v}' for k, v in sorted(load.unconfirmed_answers.items()))})"
             if load.unconfirmed else ""))


if __name__ == "__main__":
    sys.exit(main())
