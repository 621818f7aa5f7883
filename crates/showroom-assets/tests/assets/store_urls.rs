//! `BlobStore::from_url` accepts the documented schemes and names the problem otherwise.

use showroom_assets::{AssetError, BlobStore};

fn refusal(url: &str) -> String {
    match BlobStore::from_url(url) {
        Err(error @ AssetError::InvalidStoreUrl { .. }) => error.to_string(),
        Err(other) => panic!("{url}: unexpected error {other}"),
        Ok(_) => panic!("{url}: accepted"),
    }
}

/// The refusal of `url`, which must name `word`.
fn refusal_naming(url: &str, word: &str) -> String {
    let message = refusal(url);
    assert!(message.contains(word), "{message}");
    message
}

#[test]
fn unknown_schemes_are_named_in_the_error() {
    refusal_naming("ftp://x", "ftp");
}

#[test]
fn s3_without_a_bucket_is_refused() {
    refusal_naming("s3://", "bucket");
    refusal_naming("s3:///prefix", "bucket");
}

#[test]
fn credentials_in_an_s3_url_are_refused_and_not_echoed() {
    let message = refusal_naming("s3://AKIDEXAMPLE:s3cr3t@bucket/prefix", "credentials");
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[test]
fn malformed_urls_are_refused() {
    for url in [
        "",
        "data/objects",
        "file://",
        "memory://something",
        "http://example.com",
    ] {
        refusal(url);
    }
}

#[test]
fn s3_with_a_bucket_and_prefix_opens_without_touching_the_network() {
    BlobStore::from_url("s3://showroom-assets/prod/models").expect("built lazily");
    BlobStore::from_url("s3://showroom-assets").expect("built lazily");
}
