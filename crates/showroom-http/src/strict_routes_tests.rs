//! The shield's strict rate-limit class is configured by path prefix; a prefix that matches no
//! route guards nothing (the defaults once named `/api/v1/auth/`, which never existed). Every
//! default prefix must be the start of a real route that takes a write.

#[test]
fn every_default_strict_prefix_matches_a_write_route() {
    let (_, document, _) = crate::app::api_routers();
    let defaults = showroom_shield::RateLimitConfig::default();
    for prefix in &defaults.strict_paths {
        let guarded = document.paths.paths.iter().any(|(path, item)| {
            path.starts_with(prefix.as_str())
                && (item.post.is_some()
                    || item.put.is_some()
                    || item.patch.is_some()
                    || item.delete.is_some())
        });
        assert!(guarded, "strict prefix {prefix} matches no write route");
    }
    for route in [
        "/api/v1/account/register",
        "/api/v1/account/login",
        "/api/v1/staff/login",
    ] {
        assert!(
            defaults
                .strict_paths
                .iter()
                .any(|p| route.starts_with(p.as_str())),
            "{route} hashes a password but is not in the strict class"
        );
    }
}
