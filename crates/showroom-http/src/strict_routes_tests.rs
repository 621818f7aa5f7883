//! The shield's strict rate-limit class is configured by path prefix; a prefix that matches no
//! route guards nothing (the defaults once named `/api/v1/auth/`, which never existed). Every
//! default API prefix must be the start of a documented route that takes a write; the page
//! prefixes (the storefront's and back office's forms, which no document lists) are proven
//! against the real router by the server's tests (`tests/api/shield.rs`), which post to each.

#[test]
fn every_default_strict_api_prefix_matches_a_write_route() {
    let (_, document, _) = crate::app::api_routers();
    let defaults = showroom_shield::RateLimitConfig::default();
    for prefix in defaults
        .strict_paths
        .iter()
        .filter(|p| p.starts_with("/api/"))
    {
        let guarded = document.paths.paths.iter().any(|(path, item)| {
            path.starts_with(prefix.as_str())
                && (item.post.is_some()
                    || item.put.is_some()
                    || item.patch.is_some()
                    || item.delete.is_some())
        });
        assert!(guarded, "strict prefix {prefix} matches no write route");
    }
}

#[test]
fn every_route_that_hashes_a_password_or_takes_a_payment_is_strict() {
    let defaults = showroom_shield::RateLimitConfig::default();
    for route in [
        "/api/v1/account/register",
        "/api/v1/account/login",
        "/api/v1/account/password",
        "/api/v1/staff/login",
        "/api/v1/checkout",
        "/api/v1/cart/checkout",
        "/account/register",
        "/account/login",
        "/account/password",
        "/admin/login",
        "/checkout",
    ] {
        assert!(
            defaults
                .strict_paths
                .iter()
                .any(|p| route.starts_with(p.as_str())),
            "{route} hashes a password or takes a payment but is not in the strict class"
        );
    }
}
