//! Storefront reads: filters, sorting, search and cursor pagination through the real server.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{spawn_app, TestApp};

async fn shop_with_three_products() -> TestApp {
    let app = spawn_app().await;
    app.published_product(
        "oak-chair",
        "Oak Chair",
        &[
            ("OAK-CH-N", "Natural", 12_000, 5),
            ("OAK-CH-B", "Black", 13_000, 0),
        ],
    )
    .await;
    app.published_product(
        "walnut-table",
        "Walnut Table",
        &[("WAL-TB", "Walnut", 80_000, 2)],
    )
    .await;
    app.published_product(
        "linen-cushion",
        "Linen Cushion",
        &[("LIN-CU", "Sand", 3_000, 0)],
    )
    .await;
    app
}

fn slugs(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn product_list_filters_by_price_option_stock_and_search() {
    let app = shop_with_three_products().await;
    let cheap = app
        .get_json("/api/v1/products?price_max=15000", StatusCode::OK)
        .await;
    assert_eq!(
        HashSet::<String>::from_iter(slugs(&cheap)),
        HashSet::from(["oak-chair".into(), "linen-cushion".into()])
    );

    let black = app
        .get_json("/api/v1/products?option=Color:Black", StatusCode::OK)
        .await;
    assert_eq!(slugs(&black), ["oak-chair"]);

    let in_stock = app
        .get_json("/api/v1/products?in_stock=true", StatusCode::OK)
        .await;
    assert_eq!(
        HashSet::<String>::from_iter(slugs(&in_stock)),
        HashSet::from(["oak-chair".into(), "walnut-table".into()])
    );

    let search = app
        .get_json("/api/v1/products?q=walnut", StatusCode::OK)
        .await;
    assert_eq!(slugs(&search), ["walnut-table"]);
    let prefix = app
        .get_json("/api/v1/products?q=cush", StatusCode::OK)
        .await;
    assert_eq!(slugs(&prefix), ["linen-cushion"]);
    let nothing = app
        .get_json("/api/v1/products?q=submarine", StatusCode::OK)
        .await;
    assert!(slugs(&nothing).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn search_forgives_a_typo_and_ranks_by_relevance_by_default() {
    let app = shop_with_three_products().await;
    let typo = app
        .get_json("/api/v1/products?q=walnt%20tabel", StatusCode::OK)
        .await;
    assert_eq!(slugs(&typo), ["walnut-table"]);
    let swapped = app
        .get_json("/api/v1/products?q=cuhsion", StatusCode::OK)
        .await;
    assert_eq!(slugs(&swapped), ["linen-cushion"]);
    // Both titles hold "oak"; the older one begins with it, so it ranks first, where newest-first
    // would put the pad first.
    app.published_product(
        "oak-pad",
        "Pad for Oak Chairs",
        &[("PAD-1", "Oak", 1_500, 9)],
    )
    .await;
    let ranked = app.get_json("/api/v1/products?q=oak", StatusCode::OK).await;
    assert_eq!(slugs(&ranked), ["oak-chair", "oak-pad"]);
    let newest = app
        .get_json("/api/v1/products?q=oak&sort=newest", StatusCode::OK)
        .await;
    assert_eq!(slugs(&newest), ["oak-pad", "oak-chair"]);
    let explicit = app
        .get_json(
            "/api/v1/products?q=cushion&sort=relevance&in_stock=true",
            StatusCode::OK,
        )
        .await;
    assert!(slugs(&explicit).is_empty(), "filters still apply");
    let refused = app.get("/api/v1/products?sort=best").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn product_list_sorts_by_price_and_title() {
    let app = shop_with_three_products().await;
    let by_price = app
        .get_json("/api/v1/products?sort=price_asc", StatusCode::OK)
        .await;
    assert_eq!(
        slugs(&by_price),
        ["linen-cushion", "oak-chair", "walnut-table"]
    );
    let by_price_desc = app
        .get_json("/api/v1/products?sort=price_desc", StatusCode::OK)
        .await;
    assert_eq!(
        slugs(&by_price_desc),
        ["walnut-table", "oak-chair", "linen-cushion"]
    );
    let by_title = app
        .get_json("/api/v1/products?sort=title", StatusCode::OK)
        .await;
    assert_eq!(
        slugs(&by_title),
        ["linen-cushion", "oak-chair", "walnut-table"]
    );
    let newest = app.get_json("/api/v1/products", StatusCode::OK).await;
    assert_eq!(
        slugs(&newest),
        ["linen-cushion", "walnut-table", "oak-chair"]
    );
    app.stop().await;
}

#[tokio::test]
async fn cursor_pages_visit_every_product_once() {
    let app = shop_with_three_products().await;
    for sort in ["newest", "price_asc", "price_desc", "title"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/products?limit=1&sort={sort}");
        loop {
            let page = app.get_json(&path, StatusCode::OK).await;
            seen.extend(slugs(&page));
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/v1/products?limit=1&sort={sort}&cursor={cursor}")
                }
                None => break,
            }
            assert!(seen.len() <= 3, "pagination does not end for {sort}");
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (3, 3), "{sort}: {seen:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn product_detail_shows_variants_stock_and_prices_in_minor_units() {
    let app = shop_with_three_products().await;
    let product = app
        .get_json("/api/v1/products/oak-chair", StatusCode::OK)
        .await;
    assert_eq!(product["title"], "Oak Chair");
    let variants = product["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    let natural = variants.iter().find(|v| v["sku"] == "OAK-CH-N").unwrap();
    assert_eq!(natural["price"]["amount_minor"], 12_000);
    assert_eq!(natural["price"]["currency"], "USD");
    assert_eq!(natural["price"]["display"], "120.00 USD");
    assert_eq!(natural["stock_state"], "low_stock");
    assert!(
        natural.get("on_hand").is_none(),
        "shoppers do not see raw stock counts"
    );
    let black = variants.iter().find(|v| v["sku"] == "OAK-CH-B").unwrap();
    assert_eq!(black["stock_state"], "sold_out");
    app.stop().await;
}

#[tokio::test]
async fn category_filter_includes_descendant_categories() {
    let app = spawn_app().await;
    let furniture = app
        .admin_create(
            "/api/v1/admin/categories",
            serde_json::json!({"name": "Furniture"}),
        )
        .await;
    let chairs = app
        .admin_create(
            "/api/v1/admin/categories",
            serde_json::json!({"name": "Chairs", "parent_id": furniture["id"]}),
        )
        .await;
    let chair = app
        .published_product("oak-chair", "Oak Chair", &[("OAK-1", "Natural", 100, 1)])
        .await;
    app.published_product("lamp", "Lamp", &[("LAMP-1", "White", 100, 1)])
        .await;
    app.admin_patch(
        &format!("/api/v1/admin/products/{}", chair["id"].as_str().unwrap()),
        serde_json::json!({"category_id": chairs["id"]}),
    )
    .await;
    let in_furniture = app
        .get_json("/api/v1/products?category=furniture", StatusCode::OK)
        .await;
    assert_eq!(slugs(&in_furniture), ["oak-chair"]);
    let tree = app.get_json("/api/v1/categories", StatusCode::OK).await;
    assert_eq!(tree[0]["slug"], "furniture");
    assert_eq!(tree[0]["children"][0]["slug"], "chairs");
    app.stop().await;
}

#[tokio::test]
async fn facets_count_the_filtered_products_and_the_listing_pages_show_them() {
    let app = shop_with_three_products().await;
    let plain = app.get_json("/api/v1/products", StatusCode::OK).await;
    assert!(plain.get("facets").is_none(), "only when asked for");

    let all = app
        .get_json("/api/v1/products?facets=true&limit=1", StatusCode::OK)
        .await;
    let colors = &all["facets"]["options"][0];
    assert_eq!(colors["name"], "Color");
    assert_eq!(colors["values"].as_array().unwrap().len(), 4, "{colors}");
    let bands: Vec<i64> = all["facets"]["price_bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .collect();
    // USD bands from 0, 25, 50, 100, 250, 500, 1000: 30.00, 120.00 and 800.00.
    assert_eq!(
        bands,
        [0, 1, 0, 1, 0, 1, 0],
        "every page's products, not the first one only"
    );

    let in_stock = app
        .get_json(
            "/api/v1/products?facets=1&in_stock=true&q=chair",
            StatusCode::OK,
        )
        .await;
    let values: Vec<(String, i64)> = in_stock["facets"]["options"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(values, [("Black".to_owned(), 1), ("Natural".to_owned(), 1)]);
    let refused = app.get("/api/v1/products?facets=maybe").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let page = app.get("/search?q=chair").await.text().await.unwrap();
    assert!(
        page.contains("Natural <span class=\"facet-count\">(1)</span>"),
        "{page}"
    );
    assert!(
        page.contains("100 to 250</a> <span class=\"facet-count\">(1)</span>"),
        "{page}"
    );
    app.stop().await;
}

/// The values and counts of the first option facet of a listing.
fn first_option_counts(page: &Value) -> Vec<(String, i64)> {
    page["facets"]["options"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_categorys_facet_counts_follow_admin_writes_at_once() {
    let app = shop_with_three_products().await;
    let furniture = app
        .admin_create(
            "/api/v1/admin/categories",
            serde_json::json!({"name": "Furniture"}),
        )
        .await;
    for slug in ["oak-chair", "walnut-table"] {
        let product = app
            .get_json(&format!("/api/v1/products/{slug}"), StatusCode::OK)
            .await;
        app.admin_patch(
            &format!("/api/v1/admin/products/{}", product["id"].as_str().unwrap()),
            serde_json::json!({"category_id": furniture["id"]}),
        )
        .await;
    }
    let counted = |path: &'static str| {
        let app = &app;
        async move { app.get_json(path, StatusCode::OK).await }
    };
    let all = counted("/api/v1/products?category=furniture&facets=true").await;
    assert_eq!(all["facets"]["categories"][0]["count"], 2, "{all}");
    assert_eq!(
        first_option_counts(&all),
        [
            ("Black".into(), 1),
            ("Natural".into(), 1),
            ("Walnut".into(), 1)
        ]
    );
    let in_stock = counted("/api/v1/products?category=furniture&in_stock=true&facets=true").await;
    assert_eq!(in_stock["facets"]["categories"][0]["count"], 2);
    let black = counted("/api/v1/products?category=furniture&option=color:Black&facets=true").await;
    assert_eq!(
        first_option_counts(&black),
        [("Black".into(), 1), ("Natural".into(), 1)],
        "the chair carries Black, and Natural on its other variant"
    );

    // The table sells out: a listing asked for afterwards, even one never asked for before
    // (whose category's counts were already read), counts what the store now holds.
    let table = app
        .get_json("/api/v1/products/walnut-table", StatusCode::OK)
        .await;
    let variant_id = table["variants"][0]["id"].as_str().unwrap();
    app.admin_post(
        &format!("/api/v1/admin/variants/{variant_id}/inventory-adjustments"),
        serde_json::json!({"delta": -2, "reason": "damaged"}),
    )
    .await;
    let in_stock =
        counted("/api/v1/products?category=furniture&in_stock=true&price_min=1&facets=true").await;
    assert_eq!(
        in_stock["facets"]["categories"][0]["count"], 1,
        "{in_stock}"
    );
    assert_eq!(
        first_option_counts(&in_stock),
        [("Black".into(), 1), ("Natural".into(), 1)]
    );
    app.stop().await;
}
