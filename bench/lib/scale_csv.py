"""Writes a Shopify product CSV of N products x 3 variants for bench/scale.sh, deterministically,
and beside it the paths the load generator requests: details.txt (product details), lists.txt
(filtered lists with facets) and searches.txt (search words, one in four with a typo).

    python3 bench/lib/scale_csv.py N OUT_DIR
"""
import csv
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(16)
MATERIALS = "oak ash walnut beech maple teak pine linen wool velvet leather cotton brass steel marble rattan".split()
STYLES = "lounge dining nordic classic modern rustic compact studio coastal urban vintage tall low wide".split()
NOUNS = "chair table sofa lamp shelf desk stool bench cabinet bed mirror rug cushion vase clock sideboard".split()
COLORS = "Sand Slate Moss Clay Ink Snow Rust Olive Navy Plum Stone Honey".split()
CATEGORIES = "Seating Tables Lighting Storage Bedroom Decor Textiles Outdoor Office Kitchen".split()

columns = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name",
           "Option1 Value", "Variant SKU", "Variant Grams", "Variant Inventory Qty", "Variant Price",
           "Variant Compare At Price", "Status"]
handles = []
with open(f"{out}/catalog.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(columns)
    for i in range(n):
        material, style, noun = rng.choice(MATERIALS), rng.choice(STYLES), rng.choice(NOUNS)
        handle = f"{material}-{style}-{noun}-{i}"
        handles.append(handle)
        colors = rng.sample(COLORS, 3)
        price = rng.choice([19, 29, 45, 79, 120, 180, 240, 390, 650, 1200]) * 100 + rng.randrange(100)
        for v, color in enumerate(colors):
            head = v == 0
            w.writerow([
                handle,
                f"{material.title()} {style.title()} {noun.title()} {i}" if head else "",
                f"<p>A {style} {noun} in {material}, made to order.</p><p>Item {i}.</p>" if head else "",
                "Scale Works" if head else "",
                CATEGORIES[i % len(CATEGORIES)] if head else "",
                f"{material}, {noun}" if head else "",
                "TRUE" if head else "",
                "Color" if head else "",
                color,
                f"SC{i}-{v}",
                str(1000 + v * 100),
                str(rng.choice([0, 1, 3, 8, 20])),
                f"{(price + v * 500) / 100:.2f}",
                "",
                "active" if head else "",
            ])
lists = []
for category in CATEGORIES:
    slug = category.lower()
    lists.append(f"/api/v1/products?category={slug}&facets=true")
    for color in COLORS:
        lists.append(f"/api/v1/products?category={slug}&option=Color:{color}&facets=true")
        lists.append(f"/api/v1/products?category={slug}&option=Color:{color}&in_stock=true&price_max=50000&facets=true")
searches = []
for word in MATERIALS + STYLES + NOUNS:
    searches.append(f"/api/v1/products?q={word}")
    # Two letters swapped: one typo, which the search forgives.
    searches.append(f"/api/v1/products?q={word[0] + word[2] + word[1] + word[3:]}")
for material in MATERIALS:
    for noun in NOUNS:
        searches.append(f"/api/v1/products?q={material}+{noun}")
# Shuffled so that the hottest ranks of the Zipf draw are not the first rows written.
for name, paths in [("details", [f"/api/v1/products/{h}" for h in handles]), ("lists", lists), ("searches", searches)]:
    rng.shuffle(paths)
    with open(f"{out}/{name}.txt", "w") as f:
        f.write("\n".join(paths) + "\n")
