//! `BlobStore::from_url` accepts the documented schemes and names the problem otherwise.

use showroom_assets::{AssetError, BlobStore};

fn refusal(url: &str) -> String {
    match BlobStore::from_url(url) {
        Err(error @ AssetError::InvalidStoreUrl { .. }) => error.to_string(),
        Err(other) => panic!("{url}: unexpected error {other}"),
        Ok(_) => panic!("{url}: accepted"),
    }
}

#[test]
fn unknown_schemes_are_named_in_the_error() {
    let message = refusal("ftp://x");
    assert!(message.contains("ftp"), "{message}");
}

#[test]
fn s3_without_a_bucket_is_refused() {
    let message = refusal("s3://");
    assert!(message.contains("bucket"), "{message}");
    let message = refusal("s3:///prefix");
    assert!(message.contains("bucket"), "{message}");
}

#[test]
fn credentials_in_an_s3_url_are_refused_and_not_echoed() {
    let message = refusal("s3://AKIDEXAMPLE:s3cr3t@bucket/prefix");
    assert!(message.contains("credentials"), "{message}");
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
