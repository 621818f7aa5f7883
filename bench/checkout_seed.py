"""Seeder of bench/checkout.sh, standard library only (nothing to install); the buyers are
showroom-loadgen's POSTs.

  python3 bench/checkout_seed.py BASE_URL ADMIN_TOKEN VARIANTS IDS_FILE
      creates VARIANTS published variants (50 per product) with plenty of stock through the
      admin API and writes their ids to IDS_FILE, one a line.
"""

import http.client
import json
import sys
import urllib.parse

PER_PRODUCT = 50
STOCK = 1_000_000


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


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: checkout_seed.py BASE_URL ADMIN_TOKEN VARIANTS IDS_FILE")
    seed(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
