//! URLs fit for logs and error messages.

/// `raw` with any password replaced by `***`. A URL that does not parse is not echoed at all,
/// because we could not tell where its password is.
pub(crate) fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                // Only URLs that cannot have credentials refuse this, and they have none.
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn password_is_replaced() {
        assert_eq!(
            redact_url("redis://user:s3cret@cache.internal:6379/0"),
            "redis://user:***@cache.internal:6379/0"
        );
        assert_eq!(
            redact_url("rediss://:s3cret@cache.internal"),
            "rediss://:***@cache.internal"
        );
    }

    #[test]
    fn url_without_password_is_unchanged() {
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
    }

    #[test]
    fn unparseable_url_is_not_echoed() {
        assert_eq!(redact_url("redis://:s3cret@[bad"), "<unparseable URL>");
    }
}
