"""Seeder and load generator of bench/checkout.sh, standard library only (nothing to install).

  python3 bench/checkout_buyers.py seed BASE_URL ADMIN_TOKEN VARIANTS IDS_FILE
      creates VARIANTS published variants (50 per product) with plenty of stock through the
      admin API and writes their ids to IDS_FILE, one a line;
  python3 bench/checkout_buyers.py buy BASE_URL IDS_FILE BUYERS SECONDS
      runs BUYERS concurrent buyers, each on its own keep-alive connection, posting
      `POST /api/v1/checkout` back to back for SECONDS: a random variant, a unique
      Idempotency-Key, the `test` provider's success card. No new checkout starts after the
      deadline and every one in flight is awaited, so each 201 counted is exactly one paid order.
      Prints one line: `count_201 count_other count_5xx orders_per_s p50_ms p99_ms client_cpu_s`
      (the CPU seconds this load generator itself used), and the first few non-201 answers on
      stderr.
"""

import asyncio
import http.client
import json
import random
import sys
import time
import urllib.parse
import uuid

PER_PRODUCT = 50
STOCK = 1_000_000
SUCCESS_CARD = "4242 4242 4242 4242"


def seed(base_url, token, variants, ids_file):
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def admin(method, path, body, expected):
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, json.dumps(body), headers)
        response = conn.getresponse()
        text = response.read()
        if response.status != expected:
            sys.exit(f"{method} {path}: {response.status} (expected {expected}): {text[:500]!r}")
        return json.loads(text)

    ids = []
    for p in range(0, (variants + PER_PRODUCT - 1) // PER_PRODUCT):
        count = min(PER_PRODUCT, variants - p * PER_PRODUCT)
        colors = [f"Color {i}" for i in range(count)]
        product = admin("POST", "/api/v1/admin/products", {
            "slug": f"bench-{p}", "title": f"Bench product {p}",
            "description": "A product of the checkout benchmark",
            "options": [{"name": "Color", "values": colors}],
        }, 201)
        for i, color in enumerate(colors):
            variant = admin("POST", f"/api/v1/admin/products/{product['id']}/variants", {
                "sku": f"BENCH-{p}-{i}", "option_values": {"Color": color},
                "price": {"amount_minor": 500 + 37 * (p * PER_PRODUCT + i) % 20_000, "currency": "USD"},
                "on_hand": STOCK,
            }, 201)
            ids.append(variant["id"])
        admin("POST", f"/api/v1/admin/products/{product['id']}/publish", {}, 200)
    with open(ids_file, "w") as out:
        out.write("\n".join(ids) + "\n")


async def read_response(reader):
    """Reads one HTTP/1.1 response; returns (status, body)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def buyer(host, port, ids, deadline, results, run):
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        body = json.dumps({
            "email": f"buyer{n}@example.com",
            "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St",
                                 "postal_code": "10001", "city": "New York", "country": "US"},
            "shipping_method": "standard",
            "lines": [{"variant_id": random.choice(ids), "quantity": random.randint(1, 3)}],
            "payment": {"card_number": SUCCESS_CARD},
        }).encode()
        head = (f"POST /api/v1/checkout HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: application/json\r\nIdempotency-Key: bench-{run}-{uuid.uuid4()}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        started = time.perf_counter()
        writer.write(head + body)
        await writer.drain()
        status, answer = await read_response(reader)
        results.append((status, time.perf_counter() - started, answer))
    writer.close()


async def buy(base_url, ids_file, buyers, seconds):
    url = urllib.parse.urlsplit(base_url)
    ids = [line.strip() for line in open(ids_file) if line.strip()]
    results = []
    run = uuid.uuid4().hex[:8]
    cpu_started = time.process_time()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(buyer(url.hostname, url.port, ids, deadline, results, run)
                           for _ in range(buyers)))
    elapsed = time.monotonic() - started
    client_cpu = time.process_time() - cpu_started
    created = [latency for status, latency, _ in results if status == 201]
    others = [(status, answer) for status, _, answer in results if status != 201]
    for status, answer in others[:5]:
        print(f"non-201 answer {status}: {answer[:300]!r}", file=sys.stderr)
    latencies = sorted(latency for _, latency, _ in results)

    def percentile(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0

    server_errors = sum(1 for status, _ in others if status >= 500)
    print(f"{len(created)} {len(others)} {server_errors} {len(created) / elapsed:.1f} "
          f"{percentile(0.50):.2f} {percentile(0.99):.2f} {client_cpu:.2f}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "seed":
        seed(args[0], args[1], int(args[2]), args[3])
    elif command == "buy":
        asyncio.run(buy(args[0], args[1], int(args[2]), float(args[3])))
    else:
        sys.exit(f"unknown command {command!r}: seed or buy")
