//! Turns the one blob-store URL setting into a concrete `object_store` backend.
//!
//! | URL                   | backend                                                          |
//! |-----------------------|------------------------------------------------------------------|
//! | `file://data/objects` | local directory `data/objects`, relative to the working dir      |
//! | `file:///srv/objects` | local directory `/srv/objects`                                   |
//! | `memory://`           | in-process memory, for tests                                     |
//! | `s3://bucket[/pre]`   | S3 or any S3-compatible API, keys under the optional prefix      |
//!
//! `file://` is read literally rather than as a WHATWG URL, because a URL parser would take
//! `data` in `file://data/objects` for a host name. The local directory is created if missing.
//!
//! For `s3://`, region, endpoint and credentials come from the standard AWS environment
//! variables (`AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, web identity and container credentials), read
//! by [`AmazonS3Builder::from_env`]. Plain-HTTP endpoints (MinIO, LocalStack) are allowed when
//! `AWS_ENDPOINT_URL`/`AWS_ENDPOINT` starts with `http://` or `AWS_ALLOW_HTTP=true`. Credentials
//! in the URL itself are refused so they never end up in logs or config dumps.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::prefix::PrefixStore;
use object_store::ObjectStore;

use crate::AssetError;

/// The kind of backend a URL chose; it decides which object attributes can be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Local,
    Memory,
    S3,
}

impl Backend {
    /// The local file system cannot store a Content-Type or Cache-Control with an object (it
    /// returns `NotImplemented`), so for it the HTTP layer alone supplies those headers.
    pub(crate) fn stores_attributes(self) -> bool {
        !matches!(self, Self::Local)
    }

    /// `file`, `memory` or `s3`, for logs and readiness reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Local => "file",
            Self::Memory => "memory",
            Self::S3 => "s3",
        }
    }
}

/// Opens the store a URL names.
pub(crate) fn open(url: &str) -> Result<(Arc<dyn ObjectStore>, Backend), AssetError> {
    let invalid = |reason: &str| AssetError::InvalidStoreUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(invalid(
            "expected `file://<dir>`, `memory://` or `s3://<bucket>[/<prefix>]`",
        ));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "file" => open_local(url, rest),
        "memory" if rest.is_empty() || rest == "/" => {
            Ok((Arc::new(InMemory::new()), Backend::Memory))
        }
        "memory" => Err(invalid("`memory://` takes no path")),
        "s3" | "s3a" => open_s3(url),
        other => Err(invalid(&format!(
            "unsupported scheme `{other}` (expected file, memory or s3)"
        ))),
    }
}

fn open_local(url: &str, path: &str) -> Result<(Arc<dyn ObjectStore>, Backend), AssetError> {
    if path.is_empty() {
        return Err(AssetError::InvalidStoreUrl {
            url: url.to_owned(),
            reason: "missing directory, e.g. `file://data/objects`".to_owned(),
        });
    }
    let dir = Path::new(path);
    std::fs::create_dir_all(dir).map_err(|source| AssetError::CreateDir {
        path: path.to_owned(),
        source,
    })?;
    // `LocalFileSystem::put` writes a staging file next to the target and renames it into
    // place, so a crash mid-write never leaves a half-written object under the real key.
    let store = LocalFileSystem::new_with_prefix(dir)?;
    Ok((Arc::new(store), Backend::Local))
}

fn open_s3(url: &str) -> Result<(Arc<dyn ObjectStore>, Backend), AssetError> {
    let invalid = |reason: &str| AssetError::InvalidStoreUrl {
        url: redact(url),
        reason: reason.to_owned(),
    };
    let parsed = url::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "credentials do not belong in the URL; use the AWS_* environment variables",
        ));
    }
    let bucket = parsed.host_str().unwrap_or_default();
    if bucket.is_empty() {
        return Err(invalid("missing bucket name, e.g. `s3://my-bucket/prefix`"));
    }
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    if allow_http_from_env() {
        builder = builder.with_allow_http(true);
    }
    let s3 = builder.build()?;
    let prefix = parsed.path().trim_matches('/');
    if prefix.is_empty() {
        Ok((Arc::new(s3), Backend::S3))
    } else {
        Ok((Arc::new(PrefixStore::new(s3, prefix)), Backend::S3))
    }
}

/// Plain HTTP is opted into by the operator, never inferred from the bucket URL.
fn allow_http_from_env() -> bool {
    let endpoint_is_http = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT"].iter().any(|name| {
        std::env::var(name).is_ok_and(|value| value.to_ascii_lowercase().starts_with("http://"))
    });
    let allow_http = std::env::var("AWS_ALLOW_HTTP").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    endpoint_is_http || allow_http
}

/// Drops anything between `://` and `@`, in case someone pasted a URL with a secret in it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(start), Some(at)) if at > start => format!("{}://***{}", &url[..start], &url[at..]),
        _ => url.to_owned(),
    }
}
