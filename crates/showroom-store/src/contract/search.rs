//! Contract: full-text search — every word must match (as a prefix, or one typo away), hostile
//! text is only words, and results rank title matches first, then available products.

use super::support::{
    all, eur, list_all, make_category, make_product, make_variant, matching, product, set_status,
    slug, slugs, variant,
};
use crate::{DynCatalogStore, ProductQuery, ProductSort};
use showroom_domain::ProductStatus;

async fn searchable(store: &DynCatalogStore) {
    let mut oak = product("oak-chair", "Oak Lounge Chair");
    oak.description = showroom_domain::Description::parse("A deep seat in solid oak.").unwrap();
    store.create_product(oak).await.unwrap();
    make_product(store, "ash-table", "Ash Dining Table").await;
    make_product(store, "walnut-chair", "Walnut Chair").await;
}

/// The slugs a search for `text` lists, sorted.
async fn found(store: &DynCatalogStore, text: &str) -> Vec<String> {
    let query = ProductQuery {
        search: Some(text.into()),
        ..all()
    };
    matching(store, query).await
}

/// The slugs a search for `text` lists in `sort`'s order, `limit` per page, every page followed.
async fn paged(store: &DynCatalogStore, text: &str, sort: ProductSort, limit: u32) -> Vec<String> {
    let pages = list_all(
        store,
        ProductQuery {
            search: Some(text.into()),
            sort,
            limit,
            ..ProductQuery::default()
        },
    )
    .await;
    slugs(&pages)
}

pub async fn search_matches_every_word_and_prefixes(store: DynCatalogStore) {
    searchable(&store).await;
    assert_eq!(found(&store, "chair").await, ["oak-chair", "walnut-chair"]);
    assert_eq!(
        found(&store, "CHA").await,
        ["oak-chair", "walnut-chair"],
        "prefixes match, case aside"
    );
    assert_eq!(
        found(&store, "oak chair").await,
        ["oak-chair"],
        "every word must match"
    );
    assert_eq!(
        found(&store, "deep seat").await,
        ["oak-chair"],
        "descriptions are searched"
    );
    assert_eq!(found(&store, "din tab").await, ["ash-table"]);
    assert!(found(&store, "sofa").await.is_empty());
    assert!(found(&store, "oak sofa").await.is_empty());
    assert_eq!(
        paged(&store, "chair", ProductSort::Title, 1).await,
        ["oak-chair", "walnut-chair"],
        "search pages like any listing"
    );
}

pub async fn hostile_search_text_is_only_words(store: DynCatalogStore) {
    searchable(&store).await;
    let hostile = [
        r#""'; DROP TABLE products; --"#,
        "NEAR( * OR",
        "chair OR table",
        "-chair",
        "title:oak",
        "\"oak",
        "oak' || '",
        "^chair",
        "* * *",
        "",
        "   ",
        "(((",
        "chair & !oak | walnut:*",
        "\u{0}oak",
    ];
    for text in hostile {
        let query = ProductQuery {
            search: Some(text.into()),
            ..all()
        };
        if let Err(err) = store.list_products(&query).await {
            panic!("searching {text:?} failed: {err:?}");
        }
    }
    assert!(
        found(&store, "chair OR table").await.is_empty(),
        "OR is a word, not an operator"
    );
    assert_eq!(found(&store, "\"oak").await, ["oak-chair"]);
    assert!(
        found(&store, "* * *").await.is_empty(),
        "nothing searchable matches nothing"
    );
    assert_eq!(
        store.count_products().await.unwrap(),
        3,
        "the catalog is intact"
    );
}

pub async fn one_typo_per_word_still_finds_the_product(store: DynCatalogStore) {
    searchable(&store).await;
    // (typed, found, why): one typo in a word is forgiven, two are not.
    let typos: [(&str, &[&str], &str); 8] = [
        (
            "chiar",
            &["oak-chair", "walnut-chair"],
            "two letters swapped",
        ),
        ("oka chiar", &["oak-chair"], "a typo in each of two words"),
        ("wlnut", &["walnut-chair"], "a letter left out"),
        ("tabble", &["ash-table"], "a letter doubled"),
        (
            "dinning",
            &["ash-table"],
            "a letter doubled in another word",
        ),
        ("lounhe", &["oak-chair"], "a wrong letter"),
        ("cahri", &[], "two typos in one word find nothing"),
        ("oak tabel", &[], "every word must still match"),
    ];
    for (typed, expected, why) in typos {
        assert_eq!(found(&store, typed).await, expected, "{typed}: {why}");
    }

    // Words written after the first search join the vocabulary at once, in the same write.
    let mut renamed = product("sofa", "Velvet Sofa");
    renamed.description = showroom_domain::Description::parse("Plush.").unwrap();
    let sofa = store.create_product(renamed).await.unwrap();
    assert_eq!(found(&store, "velvte").await, ["sofa"]);
    store
        .update_product(
            sofa.id,
            crate::ProductPatch {
                title: Some(super::support::title("Corduroy Sofa")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found(&store, "cordurroy").await, ["sofa"]);
}

pub async fn relevance_ranks_title_matches_first_then_available_ones(store: DynCatalogStore) {
    // "chair" in the title of three, in the description only of one; the title that begins with
    // the word ranks first; of two equal matches the one with stock comes first.
    let mut desk = product("desk", "Writing Desk");
    desk.description = showroom_domain::Description::parse("Pairs with any chair.").unwrap();
    let desk = store.create_product(desk).await.unwrap();
    let sold_out = make_product(&store, "oak-chair", "Oak Chair").await;
    let stocked = make_product(&store, "ash-chair", "Ash Chair").await;
    let first = make_product(&store, "chair-one", "Chair One").await;
    for (made, stock, sku) in [
        (&desk, 1, "D-1"),
        (&sold_out, 0, "O-1"),
        (&stocked, 2, "A-1"),
        (&first, 0, "C-1"),
    ] {
        make_variant(&store, made.id, variant(sku, eur(100), stock, &[])).await;
    }
    for text in ["chair", "chiar"] {
        assert_eq!(
            paged(&store, text, ProductSort::Relevance, 1).await,
            ["chair-one", "ash-chair", "oak-chair", "desk"],
            "searching {text}, one per page"
        );
    }
}

pub async fn relevance_pages_of_a_search_visit_every_match_once_ties_by_id(store: DynCatalogStore) {
    // (slug, title, units): ties of equal relevance, a match in the description only, a product
    // renamed into the search and one renamed out of it (the search index rewrites their rows).
    let rows: [(&str, &str, i64); 8] = [
        ("chair-a", "Chair A", 1),
        ("chair-b", "Chair B", 0),
        ("oak-chair-1", "Oak Chair", 3),
        ("oak-chair-2", "Oak Chair", 3),
        ("oak-chair-3", "Oak Chair", 0),
        ("renamed-in", "Stool", 2),
        ("renamed-out", "Chair To Bench", 2),
        ("desk", "Desk", 1),
    ];
    let mut made = Vec::new();
    for (slug, title, units) in rows {
        let mut new = product(slug, title);
        if slug == "desk" {
            new.description = showroom_domain::Description::parse("Seats one chair.").unwrap();
        }
        let created = store.create_product(new).await.unwrap();
        make_variant(&store, created.id, variant(slug, eur(100), units, &[])).await;
        made.push((slug, created.id, units));
    }
    for (slug, title) in [("renamed-in", "Bar Chair"), ("renamed-out", "Bench")] {
        let id = made.iter().find(|m| m.0 == slug).unwrap().1;
        let patch = crate::ProductPatch {
            title: Some(super::support::title(title)),
            ..Default::default()
        };
        store.update_product(id, patch).await.unwrap();
    }
    // 2 points for the word in the title, 1 more when the title begins with it, all doubled,
    // plus 1 with units available; ties by id, highest first.
    let rank = |slug: &str, units: i64| {
        let points = match slug {
            "chair-a" | "chair-b" => 3,
            "desk" => 0,
            _ => 2,
        };
        points * 2 + i64::from(units > 0)
    };
    let mut expected: Vec<_> = made
        .iter()
        .filter(|m| m.0 != "renamed-out")
        .map(|m| (rank(m.0, m.2), m.1, m.0))
        .collect();
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<&str> = expected.iter().map(|e| e.2).collect();
    assert_eq!(
        paged(&store, "chair", ProductSort::Relevance, 2).await,
        expected
    );
}

/// A search ranked by relevance reads its matches' status, stock and title from a table of its
/// own (`products_search`), kept by the schema: the ranking follows a sale of the last unit and a
/// restock, a status change takes a product out of the shop's search, and every other filter
/// narrows the ranked search exactly as it narrows the same search in another order.
pub async fn a_ranked_search_follows_stock_and_status_and_every_filter(store: DynCatalogStore) {
    let seating = make_category(&store, "seating", None).await;
    // (slug, title, in seating, price, units, color); ranks: 2 points for "chair" in the title,
    // 1 more when the title begins with it, doubled, plus 1 with units available.
    let rows = [
        ("chair-bench", "Chair Bench", true, 500, 3, "Oak"), // 7
        ("oak-chair", "Oak Chair", true, 100, 2, "Oak"),     // 5
        ("walnut-chair", "Walnut Chair", false, 100, 0, "Walnut"), // 4
        ("desk", "Desk", true, 300, 1, "Ash"),               // 1: "chair" in its description
    ];
    let mut made = std::collections::HashMap::new();
    for (slug, title, in_seating, price, units, color) in rows {
        let mut new = product(slug, title);
        if slug == "desk" {
            new.description = showroom_domain::Description::parse("Pairs with any chair.").unwrap();
        }
        new.category_id = in_seating.then_some(seating.id);
        let created = store.create_product(new).await.unwrap();
        let sold = make_variant(
            &store,
            created.id,
            variant(slug, eur(price), units, &[("Color", color)]),
        )
        .await;
        made.insert(slug, (created.id, sold.id));
    }
    let shop = |text: &str, narrow: &dyn Fn(&mut ProductQuery)| {
        let mut query = ProductQuery {
            search: Some(text.into()),
            status: Some(ProductStatus::Published),
            sort: ProductSort::Relevance,
            limit: 1,
            ..ProductQuery::default()
        };
        narrow(&mut query);
        query
    };
    let ranked = |query: ProductQuery| {
        let store = store.clone();
        async move {
            let ranked = slugs(&list_all(&store, query.clone()).await);
            let mut other_order = matching(
                &store,
                ProductQuery {
                    sort: ProductSort::Newest,
                    ..query
                },
            )
            .await;
            let mut sorted = ranked.clone();
            sorted.sort();
            other_order.sort();
            assert_eq!(sorted, other_order, "the same matches in any order");
            ranked
        }
    };
    let none = |_: &mut ProductQuery| {};

    assert_eq!(
        ranked(shop("chair", &none)).await,
        ["chair-bench", "oak-chair", "walnut-chair", "desk"]
    );
    // The last unit of the oak chair sold, the walnut chair restocked: they change places.
    store
        .adjust_inventory(made["oak-chair"].1, -2)
        .await
        .unwrap();
    store
        .adjust_inventory(made["walnut-chair"].1, 1)
        .await
        .unwrap();
    assert_eq!(
        ranked(shop("chair", &none)).await,
        ["chair-bench", "walnut-chair", "oak-chair", "desk"]
    );
    set_status(&store, made["chair-bench"].0, ProductStatus::Draft).await;
    assert_eq!(
        ranked(shop("chair", &none)).await,
        ["walnut-chair", "oak-chair", "desk"],
        "a draft leaves the shop's search"
    );
    assert_eq!(
        ranked(shop("chair", &|q| q.status = None)).await,
        ["chair-bench", "walnut-chair", "oak-chair", "desk"],
        "and stays in the back office's"
    );
    assert_eq!(
        ranked(shop("chair", &|q| q.category = Some(slug("seating")))).await,
        ["oak-chair", "desk"]
    );
    assert_eq!(
        ranked(shop("chair", &|q| q.price_max = Some(100))).await,
        ["walnut-chair", "oak-chair"]
    );
    assert_eq!(
        ranked(shop("chiar", &|q| q.in_stock = true)).await,
        ["walnut-chair", "desk"],
        "a corrected word, in stock only"
    );
    assert_eq!(
        ranked(shop("chair", &|q| q
            .option_values
            .push(("color".into(), "Oak".into()))))
        .await,
        ["oak-chair"]
    );
}
