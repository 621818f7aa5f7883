//! A password change ends the account's other sessions (issue 14, item 5): a session logged in
//! before the change (a stolen cookie, a forgotten shared computer) is a guest's afterwards,
//! while the session that made the change stays logged in.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::accounts::PASSWORD;
use crate::browser::{signed_in_on_two_devices, Browser};
use crate::helpers::spawn_app;

const NEW_PASSWORD: &str = "a brand new lamp on the sill";

async fn status_of(browser: &Browser, path: &str) -> StatusCode {
    browser.send(Method::GET, path, None).await.status()
}

#[tokio::test]
async fn a_password_change_logs_out_every_other_session_of_the_account() {
    let app = spawn_app().await;
    let (phone, mut laptop) =
        signed_in_on_two_devices(&app, "two.devices@example.com", PASSWORD).await;
    assert_eq!(status_of(&laptop, "/api/v1/account").await, StatusCode::OK);

    let changed = phone
        .send(
            Method::POST,
            "/api/v1/account/password",
            Some(json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD})),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        status_of(&phone, "/api/v1/account").await,
        StatusCode::OK,
        "the session that changed the password stays logged in"
    );
    assert_eq!(
        status_of(&laptop, "/api/v1/account").await,
        StatusCode::UNAUTHORIZED,
        "a session from before the change is logged out"
    );
    assert_eq!(
        status_of(&laptop, "/api/v1/account/orders").await,
        StatusCode::UNAUTHORIZED
    );
    let session = laptop.refresh_csrf().await;
    assert!(session["customer"].is_null(), "{session}");

    let relogin = laptop
        .login(
            "/api/v1/account/login",
            "two.devices@example.com",
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(relogin.status(), StatusCode::OK);
    assert_eq!(status_of(&laptop, "/api/v1/account").await, StatusCode::OK);
}
