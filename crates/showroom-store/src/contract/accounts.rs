//! Contract: accounts. Emails are unique by their normalized form, the last active admin cannot
//! be demoted, revoked tokens stop working, expired sessions are never loaded, the login throttle
//! counts atomically under concurrency, and a customer's orders are theirs alone.

use std::time::Duration;

use super::checkout_support::{checkout, email, line, stocked};
use crate::{DynCatalogStore, NewApiToken, SessionRecord, StaffRole, StoreError};

pub async fn account_emails_are_unique_whatever_their_case(store: DynCatalogStore) {
    let created = store
        .create_customer(&email("Ada@Example.com"), "$argon2id$hash-a")
        .await
        .unwrap();
    let again = store
        .create_customer(&email("ada@example.COM"), "$argon2id$hash-b")
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { field: "email", .. })),
        "{again:?}"
    );
    let login = store
        .customer_login(&email("ADA@example.com"))
        .await
        .unwrap()
        .expect("found by any case");
    assert_eq!(login.account, created);
    assert_eq!(login.password_hash, "$argon2id$hash-a");
    assert_eq!(login.account.email.as_typed(), "Ada@Example.com");

    store
        .set_customer_password(created.id, "$argon2id$hash-c")
        .await
        .unwrap();
    assert_eq!(
        store.customer_password_hash(created.id).await.unwrap(),
        Some("$argon2id$hash-c".into())
    );
    let unknown = store
        .set_customer_password(uuid::Uuid::now_v7(), "$argon2id$x")
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound { .. })));

    // Staff is a separate namespace: the same person may also shop.
    store
        .create_staff(&email("ada@example.com"), "$argon2id$s", StaffRole::Admin)
        .await
        .unwrap();
    let twice = store
        .create_staff(&email("Ada@example.com"), "$argon2id$s", StaffRole::Staff)
        .await;
    assert!(matches!(
        twice,
        Err(StoreError::Conflict { field: "email", .. })
    ));
}

pub async fn the_last_active_admin_cannot_be_demoted_or_deactivated(store: DynCatalogStore) {
    let admin = store
        .create_staff(&email("boss@example.com"), "$h", StaffRole::Admin)
        .await
        .unwrap();
    let clerk = store
        .create_staff(&email("clerk@example.com"), "$h", StaffRole::Staff)
        .await
        .unwrap();
    for (role, active) in [(Some(StaffRole::Staff), None), (None, Some(false))] {
        let refused = store.update_staff(admin.id, role, active).await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { field: "role", .. })),
            "{refused:?}"
        );
    }
    let promoted = store
        .update_staff(clerk.id, Some(StaffRole::Admin), None)
        .await
        .unwrap();
    assert_eq!(promoted.role, StaffRole::Admin);

    // Two admins demoting each other at once: exactly one may win.
    let (a, b) = tokio::join!(
        store.update_staff(admin.id, Some(StaffRole::Staff), None),
        store.update_staff(clerk.id, Some(StaffRole::Staff), None),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let admins = store
        .list_staff()
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.active && m.role == StaffRole::Admin)
        .count();
    assert_eq!(admins, 1);
    assert_eq!(store.count_staff().await.unwrap(), 2);
}

pub async fn api_tokens_work_until_revoked(store: DynCatalogStore) {
    let token = store
        .create_api_token(NewApiToken {
            name: "importer".into(),
            token_hash: "aa".repeat(32),
            scopes: vec!["orders".into(), "catalog".into(), "catalog".into()],
            created_by: None,
        })
        .await
        .unwrap();
    assert_eq!(token.scopes, ["catalog", "orders"]);
    let used = store
        .use_api_token(&"aa".repeat(32))
        .await
        .unwrap()
        .expect("a live token");
    assert_eq!(used.id, token.id);
    assert!(used.last_used_at.is_some());
    assert!(!token_works(&store, &"bb".repeat(32)).await);

    let revoked = store.revoke_api_token(token.id).await.unwrap();
    let first_revocation = revoked.revoked_at.expect("revoked");
    assert!(!token_works(&store, &"aa".repeat(32)).await);
    let again = store.revoke_api_token(token.id).await.unwrap();
    assert_eq!(again.revoked_at, Some(first_revocation));
    assert_eq!(store.list_api_tokens().await.unwrap().len(), 1);
    assert!(matches!(
        store.revoke_api_token(uuid::Uuid::now_v7()).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn sessions_expire_and_ids_are_never_reused(store: DynCatalogStore) {
    let record = |data: &str, expires_at| SessionRecord {
        data: data.into(),
        expires_at,
    };
    assert!(store
        .create_session("s1", &record("{}", 2_000))
        .await
        .unwrap());
    assert!(
        !store
            .create_session("s1", &record("{\"x\":1}", 3_000))
            .await
            .unwrap(),
        "a taken id is refused"
    );
    assert_eq!(
        store.load_session("s1", 1_000).await.unwrap(),
        Some(record("{}", 2_000))
    );
    store
        .save_session("s1", &record("{\"cart\":1}", 5_000))
        .await
        .unwrap();
    assert_eq!(
        store.load_session("s1", 4_999).await.unwrap().unwrap().data,
        "{\"cart\":1}"
    );
    assert_eq!(store.load_session("s1", 5_000).await.unwrap(), None);
    store
        .save_session("s2", &record("{}", 9_000))
        .await
        .unwrap();
    assert_eq!(store.sweep_sessions(6_000).await.unwrap(), 1);
    store.delete_session("s2").await.unwrap();
    assert_eq!(store.load_session("s2", 0).await.unwrap(), None);
}

pub async fn login_failures_count_atomically_in_a_window(store: DynCatalogStore) {
    let window = Duration::from_secs(60);
    let racers: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .record_login_failure("account:ada@example.com", 1_000, window)
                    .await
            })
        })
        .collect();
    let mut seen = Vec::new();
    for racer in racers {
        seen.push(racer.await.unwrap().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=10).collect::<Vec<_>>(),
        "every failure counted once"
    );
    assert_eq!(
        store
            .login_failures("account:ada@example.com", 2_000, window)
            .await
            .unwrap(),
        (10, 61_000)
    );
    // After the window a failure starts again at one.
    assert_eq!(
        store
            .record_login_failure("account:ada@example.com", 62_000, window)
            .await
            .unwrap(),
        1
    );
    store
        .clear_login_failures("account:ada@example.com")
        .await
        .unwrap();
    assert_eq!(
        failures(&store, "account:ada@example.com", 62_001, window).await,
        0
    );
}

pub async fn a_customers_orders_are_listed_for_them_alone(store: DynCatalogStore) {
    let variant = stocked(&store, "acct-lamp", "ACCT-1", 1_000, 10).await;
    let ada = store
        .create_customer(&email("ada@example.com"), "$h")
        .await
        .unwrap();
    let mut mine = checkout("account-order-1", vec![line(variant.id, 1)]);
    mine.customer_id = Some(ada.id);
    let (order, _) = store
        .place_order(mine, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(order.customer_id, Some(ada.id));
    store
        .place_order(
            checkout("account-order-2", vec![line(variant.id, 1)]),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let listed = store.orders_for_customer(ada.id, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, order.id);
    assert!(store
        .orders_for_customer(uuid::Uuid::now_v7(), 10)
        .await
        .unwrap()
        .is_empty());
}

pub async fn a_forgiven_attempt_is_taken_back_and_ended_windows_are_swept(store: DynCatalogStore) {
    let window = Duration::from_secs(60);
    for _ in 0..3 {
        store
            .record_login_failure("ip:203.0.113.7", 1_000, window)
            .await
            .unwrap();
    }
    store.forgive_login_failure("ip:203.0.113.7").await.unwrap();
    assert_eq!(failures(&store, "ip:203.0.113.7", 2_000, window).await, 2);
    for _ in 0..5 {
        store.forgive_login_failure("ip:203.0.113.7").await.unwrap();
    }
    assert_eq!(
        failures(&store, "ip:203.0.113.7", 2_000, window).await,
        0,
        "never below zero"
    );
    store.forgive_login_failure("ip:nobody").await.unwrap();

    store
        .record_login_failure("account:old@example.com", 1_000, window)
        .await
        .unwrap();
    store
        .record_login_failure("account:new@example.com", 100_000, window)
        .await
        .unwrap();
    let swept = store.sweep_login_failures(61_000).await.unwrap();
    assert_eq!(
        swept, 2,
        "the old account's and the address's windows started before"
    );
    assert_eq!(
        failures(&store, "account:new@example.com", 100_500, window).await,
        1,
        "a window still open is kept"
    );
}

/// How many login failures `key` has in the window open at `now`.
async fn failures(store: &DynCatalogStore, key: &str, now: i64, window: Duration) -> u32 {
    store.login_failures(key, now, window).await.unwrap().0
}

/// Whether the API token whose SHA-256 hex is `hash` is live (and is marked used by asking).
async fn token_works(store: &DynCatalogStore, hash: &str) -> bool {
    store.use_api_token(hash).await.unwrap().is_some()
}
