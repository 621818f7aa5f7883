//! `showroom assets import` as a merchant runs it against a shop's database and storage: the
//! real binary imports a model and a `.gltf` folder, processes them with progress, attaches
//! them to a product and links its variants to the model's looks; a file that is not a model
//! is reported and the exit status says so.

use std::path::Path;
use std::process::{Command, Output};

use reqwest::StatusCode;
use showroom_assets::demo::{self, DemoKind};

use crate::helpers::{item_where, spawn_app, TestApp};

fn import(app: &TestApp, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_showroom"))
        .args(["assets", "import"])
        .args(args)
        .current_dir(dir)
        .env("SHOWROOM_DATABASE_URL", &app.config.database_url)
        .env("SHOWROOM_STORAGE_URL", &app.config.storage_url)
        .env("SHOWROOM_CACHE_URL", "memory://")
        .env("SHOWROOM_ASSETS__POSTER_SIZES", "[128]")
        .env("SHOWROOM_LOG_LEVEL", "warn")
        .output()
        .expect("run showroom")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_processes_attaches_and_links_variants_and_reports_bad_files() {
    let app = spawn_app().await;
    app.published_product(
        "imported-chair",
        "Imported Chair",
        &[
            ("IC-OAK", "Oak", 9900, 2),
            ("IC-ASH", "Ash", 9900, 2),
            ("IC-TEAK", "Teak", 9900, 2),
        ],
    )
    .await;
    let work = tempfile::tempdir().unwrap();
    let chair = work.path().join("chair.glb");
    std::fs::write(
        &chair,
        demo::generate(
            DemoKind::Chair,
            &[("Oak", [0.6, 0.4, 0.2, 1.0]), ("Ash", [0.8, 0.8, 0.7, 1.0])],
        ),
    )
    .unwrap();
    let notes = work.path().join("notes.txt");
    std::fs::write(&notes, "not a model").unwrap();

    let output = import(
        &app,
        &[
            chair.to_str().unwrap(),
            notes.to_str().unwrap(),
            "--product",
            "imported-chair",
        ],
        work.path(),
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "one file was not a model\n{stdout}\n{stderr}"
    );
    assert!(stderr.contains("notes.txt: not a 3D model"), "{stderr}");
    assert!(
        stdout.contains("chair.glb: ready as") && stdout.contains("attached to imported-chair"),
        "{stdout}"
    );
    assert!(
        stderr.contains("chair.glb: ready 100% done"),
        "progress lines when not a terminal: {stderr}"
    );

    let product = app
        .get_json("/api/v1/products/imported-chair", StatusCode::OK)
        .await;
    let kinds: Vec<&str> = product["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["model", "image"], "{product}");
    let look = |sku: &str| item_where(&product["variants"], "sku", sku)["material_variant"].clone();
    assert_eq!(
        (look("IC-OAK"), look("IC-ASH")),
        ("Oak".into(), "Ash".into())
    );
    assert!(look("IC-TEAK").is_null());
    let model_url = product["media"][0]["url"].as_str().unwrap();
    assert!(model_url.ends_with("/model.glb"));
    assert_eq!(
        app.get(model_url).await.status(),
        StatusCode::OK,
        "a published product's model is public"
    );

    // A .gltf beside its .bin: zipped with what it names; unknown slugs are refused up front.
    let glb = demo::generate(DemoKind::Cap, &[]);
    let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let mut json: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_len]).unwrap();
    json["buffers"][0]["uri"] = "cap data.bin".into();
    std::fs::write(work.path().join("cap data.bin"), &glb[20 + json_len + 8..]).unwrap();
    std::fs::write(work.path().join("cap.gltf"), json.to_string()).unwrap();
    let output = import(&app, &["cap.gltf"], work.path());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("cap.gltf: ready as"));
    let output = import(
        &app,
        &["cap.gltf", "--product", "no-such-product"],
        work.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("no product has the slug `no-such-product`"));
    app.stop().await;
}
