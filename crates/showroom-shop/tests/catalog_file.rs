//! The Shopify CSV import and export against a real (SQLite, in-memory) store: grouping by
//! handle, refused records with their lines, re-import as update, dry run, and the round trip.

use std::sync::Arc;

use showroom_domain::{Currency, ProductStatus, Slug};
use showroom_shop::catalog_file::{export_catalog, CatalogImport, ImportReport};
use showroom_store::DynCatalogStore;
use showroom_store_sqlite::{open, SqliteSettings};

const SHOP_CSV: &str = "\
Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Status
oak-chair,Oak chair,\"<p>Solid <b>oak</b></p><script>alert(1)</script>\",Woodworks,Chairs,\"oak, chair\",TRUE,Color,Oak,Size,S,CH-OAK-S,4200,3,120.00,150.00,https://cdn.example/1.jpg,active
oak-chair,,,,,,,,Oak,,L,CH-OAK-L,4400,2,130.00,,,
oak-chair,,,,,,,,Ash,,S,CH-ASH-S,4100,0,125.5,,,
oak-chair,,,,,,,,,,,,,,,,https://cdn.example/2.jpg,
oak-chair,,,,,,,,Ash,,L,CH-ASH-L,4100,1,abc,,,
plain-lamp,Plain lamp,Warm light,,Lamps,,FALSE,Title,Default Title,,,,900,7,35,,,
,Orphan,,,,,,,,,,,,,,,,
no-title,,,,,,,,,,,NT-1,,1,10.00,,,active
no-title,,,,,,,,,,,NT-2,,1,10.00,,,
";

async fn store() -> DynCatalogStore {
    Arc::new(
        open("sqlite::memory:", &SqliteSettings::default())
            .await
            .unwrap(),
    )
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

async fn import(store: &DynCatalogStore, csv: &str, dry_run: bool) -> ImportReport {
    let mut import = CatalogImport::new(store.clone(), eur());
    import.dry_run = dry_run;
    import.batch_size = 1;
    import.run(csv.as_bytes(), |_| {}).await.unwrap()
}

#[tokio::test]
async fn a_shopify_file_becomes_products_and_bad_records_are_reported_by_line() {
    let store = store().await;
    let report = import(&store, SHOP_CSV, false).await;
    let lines: Vec<(u64, &str)> = report
        .problems
        .iter()
        .map(|p| (p.line, p.reason.as_str()))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(lines[0].0, 6);
    assert!(lines[0].1.starts_with("Variant Price"), "{lines:?}");
    assert_eq!(lines[1], (8, "the record has no Handle"));
    assert_eq!(lines[2].0, 9);
    assert!(lines[2].1.starts_with("Title"));
    assert!(lines[3].1.contains("(line 9) was refused"));
    assert_eq!((report.created, report.updated, report.variants), (2, 0, 4));
    assert_eq!((report.categories_created, report.images_skipped), (2, 1));

    let chair = store
        .product_by_slug(&Slug::parse("oak-chair").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chair.description.as_str(), "Solid oak", "sanitized to text");
    assert_eq!(chair.status, ProductStatus::Published);
    assert_eq!(chair.attributes["vendor"], "Woodworks");
    assert_eq!(chair.options[0].values, ["Oak", "Ash"]);
    assert_eq!(chair.options[1].values, ["S", "L"]);
    let skus: Vec<_> = chair.variants.iter().map(|v| v.sku.as_str()).collect();
    assert_eq!(skus, ["CH-OAK-S", "CH-OAK-L", "CH-ASH-S"]);
    assert_eq!(chair.variants[2].price.amount_minor, 12_550);
    assert_eq!(
        chair.variants[0].compare_at_price.unwrap().amount_minor,
        15_000
    );
    assert_eq!(chair.variants[0].weight_grams, Some(4200));

    let lamp = store
        .product_by_slug(&Slug::parse("plain-lamp").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lamp.status, ProductStatus::Draft);
    assert!(
        lamp.options.is_empty(),
        "Shopify's Default Title is no option"
    );
    assert_eq!(
        lamp.variants[0].sku.as_str(),
        "PLAIN-LAMP-1",
        "a SKU made from the handle"
    );
    let categories = store.list_categories().await.unwrap();
    assert_eq!(
        lamp.category_id,
        categories.iter().find(|c| c.name == "Lamps").map(|c| c.id)
    );
}

#[tokio::test]
async fn importing_the_same_file_again_updates_and_duplicates_nothing() {
    let store = store().await;
    import(&store, SHOP_CSV, false).await;
    let changed = SHOP_CSV
        .replace("Oak chair,", "Oak chair (oiled),")
        .replace(",3,120.00,", ",9,99.00,");
    let report = import(&store, &changed, false).await;
    assert_eq!((report.created, report.updated), (0, 2));
    assert_eq!(report.categories_created, 0);
    assert_eq!(store.count_products().await.unwrap(), 2);
    let chair = store
        .product_by_slug(&Slug::parse("oak-chair").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chair.title.as_str(), "Oak chair (oiled)");
    assert_eq!(chair.variants.len(), 3);
    assert_eq!(
        (
            chair.variants[0].on_hand,
            chair.variants[0].price.amount_minor
        ),
        (9, 9_900)
    );
}

#[tokio::test]
async fn a_dry_run_checks_everything_and_writes_nothing() {
    let store = store().await;
    let report = import(&store, SHOP_CSV, true).await;
    assert_eq!(
        (report.checked, report.variants, report.problems.len()),
        (2, 4, 4)
    );
    assert_eq!(store.count_products().await.unwrap(), 0);
    assert!(store.list_categories().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_that_is_not_a_product_csv_is_refused_whole() {
    let store = store().await;
    let err = CatalogImport::new(store, eur())
        .run("name,price\nchair,10\n".as_bytes(), |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Handle"), "{err}");
}

#[tokio::test]
async fn an_export_imports_into_an_empty_shop_as_the_same_catalog() {
    let first = store().await;
    import(&first, SHOP_CSV, false).await;
    let mut csv = Vec::new();
    let written = export_catalog(&first, &mut csv, |_| {}).await.unwrap();
    assert_eq!(written, 2);

    let second = store().await;
    let report = import(&second, std::str::from_utf8(&csv).unwrap(), false).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    for slug in ["oak-chair", "plain-lamp"] {
        let slug = Slug::parse(slug).unwrap();
        let a = first.product_by_slug(&slug).await.unwrap().unwrap();
        let b = second.product_by_slug(&slug).await.unwrap().unwrap();
        assert_eq!(
            (&a.title, &a.description, a.status),
            (&b.title, &b.description, b.status)
        );
        assert_eq!((&a.options, &a.attributes), (&b.options, &b.attributes));
        let strip = |p: &showroom_store::Product| {
            p.variants
                .iter()
                .map(|v| {
                    (
                        v.sku.clone(),
                        v.option_values.clone(),
                        v.price,
                        v.compare_at_price,
                        v.weight_grams,
                        v.on_hand,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&a), strip(&b));
    }
}
