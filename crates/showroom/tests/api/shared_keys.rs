//! The signing keys of asset URLs and order links: without configuration every instance on one
//! database uses the same two keys (generated once, kept in the database), a restart keeps them,
//! the two are never equal, and a configured key wins.

use secrecy::ExposeSecret;

use crate::helpers::{spawn_app, spawn_with};

fn keys(app: &crate::helpers::TestApp) -> (String, String) {
    let settings = &app.state.delivery.settings;
    (
        settings.signing_key.expose_secret().to_owned(),
        settings.order_link_key.expose_secret().to_owned(),
    )
}

#[tokio::test]
async fn instances_on_one_database_share_both_keys_across_restarts_and_the_keys_differ() {
    let first = spawn_app().await;
    let second = spawn_with(first.config.clone(), first.dir.clone()).await;
    let (assets, orders) = keys(&first);
    assert!(
        assets.len() >= 32,
        "a real key: {} characters",
        assets.len()
    );
    assert_ne!(
        assets, orders,
        "one key for asset URLs, another for order links"
    );
    assert_eq!(keys(&second), (assets.clone(), orders.clone()));

    // A process started later (a restart, a new instance) finds the same keys in the database.
    let restarted = spawn_with(first.config.clone(), first.dir.clone()).await;
    assert_eq!(
        keys(&restarted),
        (assets, orders),
        "a restart keeps both keys"
    );
    restarted.stop().await;
    second.stop().await;
    first.stop().await;
}

#[tokio::test]
async fn a_configured_key_wins_and_two_equal_keys_are_refused() {
    let app = spawn_app().await;
    let mut config = app.config.clone();
    config.order_link_key = Some("configured-order-link-key-0123456789".to_owned().into());
    let configured = spawn_with(config.clone(), app.dir.clone()).await;
    assert_eq!(keys(&configured).1, "configured-order-link-key-0123456789");
    assert_eq!(
        keys(&configured).0,
        keys(&app).0,
        "the other key still comes from the database"
    );

    config.asset_signing_key = config.order_link_key.clone();
    let refused = showroom::build_state(&config).await.err().expect("refused");
    let message = refused.to_string();
    assert!(
        message.contains("order_link_key (SHOWROOM_ORDER_LINK_KEY)"),
        "{message}"
    );
    configured.stop().await;
    app.stop().await;
}
