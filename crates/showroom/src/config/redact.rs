//! [`redact_url`]: a URL as it may be printed (`showroom config`, logs): its password and every
//! query parameter that names a secret replaced with `***`.

/// Replaces the password of a URL with `***`, in its user part and in any query parameter that
/// names a secret (`?password=`, `sslpassword`, `token`, `secret`, `key`...); a URL that does
/// not parse is hidden whole when it could hold one. URLs without secrets are unchanged.
pub fn redact_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return if raw.contains('@') || raw.contains('?') {
            "[unparseable URL, redacted]".to_owned()
        } else {
            raw.to_owned()
        };
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if pairs.iter().any(|(name, _)| names_a_secret(name)) {
        let redacted = pairs.into_iter().map(|(name, value)| {
            let value = if names_a_secret(&name) {
                "***".to_owned()
            } else {
                value
            };
            (name, value)
        });
        url.query_pairs_mut().clear().extend_pairs(redacted);
    }
    url.to_string()
}

fn names_a_secret(parameter: &str) -> bool {
    let name = parameter.to_ascii_lowercase();
    [
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "auth",
        "credential",
    ]
    .iter()
    .any(|secret| name.contains(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_secret_query_parameters_are_hidden() {
        assert_eq!(
            redact_url("postgres://shop:hunter2@db:5432/shop"),
            "postgres://shop:***@db:5432/shop"
        );
        assert_eq!(
            redact_url("sqlite://data/showroom.db"),
            "sqlite://data/showroom.db"
        );
        assert_eq!(
            redact_url("postgres://db/shop?user=shop&password=hunter2&sslmode=require"),
            "postgres://db/shop?user=shop&password=***&sslmode=require"
        );
        let redis = redact_url("rediss://cache:6380/0?Password=s3cret&sslkey=k&protocol=resp3");
        assert!(
            !redis.contains("s3cret") && !redis.contains("=k&"),
            "{redis}"
        );
        assert!(redis.contains("protocol=resp3"), "{redis}");
        assert_eq!(
            redact_url("postgres://u:p@w@"),
            "[unparseable URL, redacted]"
        );
    }
}
