//! `showroom catalog import|export` as a merchant runs them against a shop's database: the real
//! binary imports a Shopify CSV (the shop then lists and sells it), reports a bad record by its
//! line with exit status 1, changes nothing in a dry run, and exports what it imported.

use std::path::Path;
use std::process::{Command, Output};

use reqwest::StatusCode;

use crate::helpers::{spawn_app, TestApp};

const CSV: &str = "\
Handle,Title,Body (HTML),Vendor,Type,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Status
linen-sofa,Linen sofa,<p>Deep seats</p>,Loom,Sofas,Color,Sand,LS-SAND,4,899.00,active
linen-sofa,,,,,,Slate,LS-SLATE,0,899.00,
";

fn catalog(app: &TestApp, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("catalog")
        .args(args)
        .current_dir(dir)
        .env("SHOWROOM_DATABASE_URL", &app.config.database_url)
        .env("SHOWROOM_CACHE_URL", "memory://")
        .env("SHOWROOM_CURRENCY", &app.config.currency)
        .env("SHOWROOM_LOG_LEVEL", "warn")
        .output()
        .expect("run showroom")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_import_and_export_move_a_shopify_file_in_and_out() {
    let app = spawn_app().await;
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("products.csv");
    std::fs::write(&file, CSV).unwrap();
    let path = file.to_str().unwrap();

    let dry = catalog(&app, &["import", path, "--dry-run"], work.path());
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("1 products and 2 variants would be written")
    );
    assert_no_linen(&app).await;

    let done = catalog(&app, &["import", path], work.path());
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stdout.contains("1 products created, 0 updated, 2 variants, 1 categories created"),
        "{stdout}"
    );
    let sofa = app
        .get_json("/api/v1/products/linen-sofa", StatusCode::OK)
        .await;
    assert_eq!(sofa["title"], "Linen sofa");
    assert_eq!(sofa["description"], "Deep seats");
    assert_eq!(sofa["variants"].as_array().unwrap().len(), 2);

    let bad = work.path().join("bad.csv");
    std::fs::write(&bad, format!("{CSV}linen-sofa,,,,,,Moss,LS-MOSS,1,lots,\n")).unwrap();
    let refused = catalog(&app, &["import", bad.to_str().unwrap()], work.path());
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("line 4: Variant Price"), "{stderr}");
    assert!(String::from_utf8_lossy(&refused.stdout).contains("0 products created, 1 updated"));

    let exported = catalog(&app, &["export"], work.path());
    assert!(exported.status.success());
    let csv = String::from_utf8(exported.stdout).unwrap();
    assert!(csv.starts_with("Handle,Title,Body (HTML)"), "{csv}");
    assert!(
        csv.contains("linen-sofa,Linen sofa,<p>Deep seats</p>,Loom"),
        "{csv}"
    );
    assert!(csv.contains("LS-SLATE"));
}

/// A dry run of the linen catalog wrote nothing: no product matches "linen".
pub(crate) async fn assert_no_linen(app: &TestApp) {
    let listed = app
        .get_json("/api/v1/products?q=linen", StatusCode::OK)
        .await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "a dry run writes nothing"
    );
}
