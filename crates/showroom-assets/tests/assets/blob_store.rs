//! Round trips through `BlobStore` on `memory://` and on a real directory via `file://`.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use showroom_assets::{AssetError, BlobStore, ContentAddress, FileName};

fn name(file_name: &str) -> FileName {
    FileName::parse(file_name).expect("test names are valid")
}

/// Exercises every operation; shared by all backends so they are held to the same contract.
async fn contract(store: &BlobStore) {
    store.ping().await.expect("an empty store is ready");

    let model = name("model.glb");
    let bytes = Bytes::from_static(b"glTF pretend model bytes 0123456789");
    let address = store.put_asset(&model, bytes.clone()).await.unwrap();
    assert_eq!(address, ContentAddress::of(&bytes));
    assert_eq!(address.as_str().len(), 64);

    let again = store.put_asset(&model, bytes.clone()).await.unwrap();
    assert_eq!(again, address, "same bytes, same address");

    assert_eq!(
        store.get(&address, &model).await.unwrap(),
        Some(bytes.clone())
    );
    let meta = store.head(&address, &model).await.unwrap().expect("stored");
    assert_eq!(meta.size, bytes.len() as u64);

    let range = store.get_range(&address, &model, 5..12).await.unwrap();
    assert_eq!(range.as_deref(), Some(&bytes[5..12]));
    let clamped = store.get_range(&address, &model, 30..10_000).await.unwrap();
    assert_eq!(
        clamped.as_deref(),
        Some(&bytes[30..]),
        "end is clamped to the size"
    );
    let past_end = store.get_range(&address, &model, 1_000..2_000).await;
    assert!(
        matches!(past_end, Err(AssetError::InvalidRange { size, .. }) if size == bytes.len() as u64)
    );
    assert!(matches!(
        store.get_range(&address, &model, 7..7).await,
        Err(AssetError::InvalidRange { .. })
    ));

    let poster = name("poster.png");
    assert_eq!(store.get(&address, &poster).await.unwrap(), None);
    assert_eq!(store.head(&address, &poster).await.unwrap(), None);
    assert_eq!(
        store.get_range(&address, &poster, 0..1).await.unwrap(),
        None
    );
    store
        .put_file(&address, &poster, Bytes::from_static(b"png v1"))
        .await
        .unwrap();
    store
        .put_file(&address, &poster, Bytes::from_static(b"png v2"))
        .await
        .unwrap();
    assert_eq!(
        store.get(&address, &poster).await.unwrap().as_deref(),
        Some(&b"png v2"[..]),
        "derived files can be regenerated"
    );

    let other = ContentAddress::of(b"other");
    assert_eq!(store.get(&other, &model).await.unwrap(), None);
    store.ping().await.expect("a used store is ready");
}

#[tokio::test]
async fn memory_store_keeps_the_blob_contract() {
    let store = BlobStore::from_url("memory://").unwrap();
    contract(&store).await;
}

/// Where a file store rooted at `root` keeps the file `name` of the asset at `address`: the
/// documented key layout `assets/<first two hex digits>/<address>/<name>`.
fn asset_path(root: &Path, address: &ContentAddress, name: &str) -> PathBuf {
    root.join("assets")
        .join(&address.as_str()[..2])
        .join(address.as_str())
        .join(name)
}

#[tokio::test]
async fn file_store_keeps_the_blob_contract_and_the_key_layout() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().join("objects").display());
    let store = BlobStore::from_url(&url).unwrap();
    contract(&store).await;

    let address = ContentAddress::of(b"glTF pretend model bytes 0123456789");
    let on_disk = asset_path(&dir.path().join("objects"), &address, "model.glb");
    assert!(on_disk.is_file(), "expected {}", on_disk.display());
    let leftovers: Vec<_> = std::fs::read_dir(on_disk.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging files left behind: {leftovers:?}"
    );
}

/// Collects a stream, returning its bytes and its largest chunk.
async fn drain(mut stream: showroom_assets::BlobStream) -> (Vec<u8>, usize) {
    use futures::StreamExt;
    let (mut all, mut largest) = (Vec::new(), 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("a chunk");
        largest = largest.max(chunk.len());
        all.extend_from_slice(&chunk);
    }
    (all, largest)
}

#[tokio::test]
async fn streams_hand_out_a_large_file_and_its_ranges_in_small_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let store = BlobStore::from_url(&format!("file://{}", dir.path().display())).unwrap();
    let model = name("model.glb");
    let bytes: Bytes = (0..8 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let address = store.put_asset(&model, bytes.clone()).await.unwrap();

    let whole = store.get_stream(&address, &model, None).await.unwrap();
    let (all, largest) = drain(whole.expect("stored")).await;
    assert_eq!(all, bytes);
    assert!(largest <= 1024 * 1024, "a {largest}-byte chunk");

    let range = 3_000_000..7_000_001;
    let part = store
        .get_stream(&address, &model, Some(range.clone()))
        .await;
    let (some, largest) = drain(part.unwrap().expect("stored")).await;
    assert_eq!(some, &bytes[3_000_000..7_000_001]);
    assert!(largest <= 1024 * 1024, "a {largest}-byte chunk");

    assert!(matches!(
        store.get_stream(&address, &model, Some(5..5)).await,
        Err(AssetError::InvalidRange { .. })
    ));
    let missing = store.get_stream(&address, &name("poster.png"), None).await;
    assert!(missing.unwrap().is_none());
}

#[tokio::test]
async fn file_url_without_leading_slash_is_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::env::current_dir().unwrap();
    // `../` once per component of the working directory climbs to `/`, then down to the
    // temp dir: a relative path that lands somewhere we may write.
    let climb = "../".repeat(cwd.components().count());
    let target = dir.path().strip_prefix("/").unwrap().join("data/objects");
    let relative = format!("{climb}{}", target.display());
    assert!(!relative.starts_with('/'));

    let store = BlobStore::from_url(&format!("file://{relative}")).unwrap();
    assert!(
        dir.path().join("data/objects").is_dir(),
        "created if missing"
    );
    let address = store
        .put_asset(&name("original.glb"), Bytes::from_static(b"abc"))
        .await
        .unwrap();
    let expected = asset_path(&dir.path().join("data/objects"), &address, "original.glb");
    assert!(expected.is_file());
}

#[test]
fn names_that_could_escape_their_folder_are_refused() {
    for bad in [
        "../x",
        "..",
        "a/b",
        "/etc",
        ".hidden",
        "%2e%2e",
        "%2F",
        "a\\b",
        "",
        "a..b",
        "x y",
        "model.glb\0",
        "é.png",
    ] {
        let error = FileName::parse(bad).expect_err(bad);
        assert!(matches!(error, AssetError::InvalidFileName(_)), "{bad}");
        assert!(error.is_client_error());
    }
    assert!(FileName::parse(&"a".repeat(129)).is_err());
    assert!(FileName::parse(&"a".repeat(128)).is_ok());
    for good in ["model.glb", "poster.png", "poster-front_2.webp", "original"] {
        assert!(FileName::parse(good).is_ok(), "{good}");
    }
}

#[test]
fn hashes_must_be_64_lowercase_hex_digits() {
    let good = ContentAddress::of(b"x");
    assert_eq!(ContentAddress::parse(good.as_str()).unwrap(), good);
    for bad in [
        "",
        "../../etc/passwd",
        &good.as_str().to_uppercase(),
        &good.as_str()[..63],
        &format!("{}0", good.as_str()),
        &format!("{}/..", &good.as_str()[..61]),
        &"g".repeat(64),
    ] {
        let error = ContentAddress::parse(bad).expect_err(bad);
        assert!(matches!(error, AssetError::InvalidHash(_)), "{bad}");
    }
}
