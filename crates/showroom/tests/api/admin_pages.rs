//! The back office's pages over real HTTP, the way a browser sends them (cookie sessions,
//! URL-encoded forms, no JavaScript): sign-in, the CSRF layer over every write, the role rules
//! of the admin API on pages, refused forms coming back filled in with nothing written, a
//! deactivated member signed out at once, and the CSV export (also compressed).

use reqwest::{header, StatusCode};
use showroom_domain::Email;
use showroom_store::StaffRole;

use crate::form_browser::{field_value, location, FormBrowser};
use crate::helpers::{spawn_app, TestApp};

const PASSWORD: &str = "a long staff passphrase 7";

/// A browser without JavaScript at the back office's desk.
type Desk = FormBrowser;

/// A desk signed in as the staff member `email`, on the orders page.
async fn sign_in(app: &TestApp, email: &str) -> Desk {
    let desk = Desk::new(app);
    let signed = desk
        .submit(
            "/admin/login",
            "/admin/login",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("next", "/admin/orders"),
            ],
        )
        .await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed.headers()[header::LOCATION], "/admin/orders");
    desk
}

async fn member(app: &TestApp, email: &str, role: StaffRole) -> uuid::Uuid {
    app.state
        .shop
        .accounts
        .create_staff(Email::parse(email).unwrap(), PASSWORD, role)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn pages_need_a_staff_session_and_every_write_its_csrf_token() {
    let app = spawn_app().await;
    member(&app, "owner@example.com", StaffRole::Admin).await;
    let stranger = Desk::new(&app);
    let away = stranger.get("/admin/orders?state=paid").await;
    assert_eq!(away.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&away),
        "/admin/login?next=%2Fadmin%2Forders%3Fstate%3Dpaid"
    );

    let wrong = stranger
        .submit(
            "/admin/login",
            "/admin/login",
            &[
                ("email", "owner@example.com"),
                ("password", "not it at all"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("value=\"owner@example.com\""));

    let desk = sign_in(&app, "owner@example.com").await;
    let (status, html) = desk.page("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-chart=\"orders-per-day\""));

    // A write without the token, or with another session's, changes nothing.
    let (_, other_html) = stranger.page("/admin/login").await;
    for token in ["", other_html.as_str()] {
        let token = if token.is_empty() {
            String::new()
        } else {
            field_value(token, "csrf_token")
        };
        let refused = desk
            .post(
                "/admin/categories",
                &[("csrf_token", token.as_str()), ("name", "Forged")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("This form has expired"));
    }
    let json = desk
        .client
        .post(format!("{}/admin/categories", desk.base))
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"name":"Forged"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::FORBIDDEN);
    let categories = app.state.catalog.list_categories().await.unwrap();
    assert!(categories.iter().all(|c| c.name != "Forged"));

    let made = desk
        .submit(
            "/admin/categories",
            "/admin/categories",
            &[("name", "Lighting")],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let (_, html) = desk.page("/admin/categories").await;
    assert!(
        html.contains("Category Lighting added."),
        "the flash after the redirect"
    );
    let (_, again) = desk.page("/admin/categories").await;
    assert!(!again.contains("Category Lighting added."), "shown once");
    app.stop().await;
}

#[tokio::test]
async fn staff_roles_hold_on_pages_and_a_switched_off_member_is_signed_out_at_once() {
    let app = spawn_app().await;
    member(&app, "owner@example.com", StaffRole::Admin).await;
    let clerk_id = member(&app, "clerk@example.com", StaffRole::Staff).await;
    let clerk = sign_in(&app, "clerk@example.com").await;
    let (status, html) = clerk.page("/admin/products").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("href=\"/admin/staff\""),
        "no staff link for staff"
    );
    for path in ["/admin/staff", "/admin/tokens", "/admin/discounts"] {
        assert_eq!(clerk.page(path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let forbidden = clerk
        .submit(
            "/admin/products",
            "/admin/tokens",
            &[("name", "mine"), ("scope", "orders")],
        )
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert!(app
        .state
        .catalog
        .list_api_tokens()
        .await
        .unwrap()
        .is_empty());

    let owner = sign_in(&app, "owner@example.com").await;
    let off = owner
        .submit(
            &format!("/admin/staff/{clerk_id}/access?active=0"),
            &format!("/admin/staff/{clerk_id}/access"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    let after = clerk.get("/admin/products").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert!(location(&after).starts_with("/admin/login?"));
    assert!(location(&after).contains("ended=1"));
    // The session itself is gone: giving access back does not revive it.
    owner
        .submit(
            &format!("/admin/staff/{clerk_id}/access?active=1"),
            &format!("/admin/staff/{clerk_id}/access"),
            &[("active", "1")],
        )
        .await;
    assert_eq!(
        clerk.get("/admin/products").await.status(),
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn a_refused_form_comes_back_filled_in_and_writes_nothing() {
    let app = spawn_app().await;
    member(&app, "owner@example.com", StaffRole::Admin).await;
    let desk = sign_in(&app, "owner@example.com").await;
    let refused = desk
        .submit(
            "/admin/products/new",
            "/admin/products",
            &[
                ("title", ""),
                ("description", "Kept as typed"),
                ("option_name_0", "Color"),
                ("option_values_0", "Oak, Oak"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Kept as typed"));
    assert!(html.contains("id=\"title-error\""));
    assert_eq!(app.state.catalog.count_products().await.unwrap(), 0);

    let code = desk
        .submit(
            "/admin/discounts",
            "/admin/discounts",
            &[
                ("code", "SPRING"),
                ("kind", "percentage"),
                ("percent", "150"),
            ],
        )
        .await;
    assert_eq!(code.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = code.text().await.unwrap();
    assert!(html.contains("id=\"percent-error\""));
    assert!(html.contains("value=\"SPRING\""));
    assert!(app.state.catalog.list_discounts().await.unwrap().is_empty());

    // A malformed id or an unknown order is the 404 page, never a 500.
    assert_eq!(
        desk.page("/admin/orders/not-a-uuid").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.page("/admin/products/00000000-0000-0000-0000-000000000000")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        desk.page("/admin/orders?state=lost").await.0,
        StatusCode::BAD_REQUEST
    );
    app.stop().await;
}

#[tokio::test]
async fn the_order_export_is_whole_plain_or_compressed() {
    let app = spawn_app().await;
    member(&app, "owner@example.com", StaffRole::Admin).await;
    let desk = sign_in(&app, "owner@example.com").await;
    for encoding in ["identity", "gzip", "br"] {
        let response = desk
            .client
            .get(format!("{}/admin/orders.csv", desk.base))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "private, no-store"
        );
        let body = response.bytes().await.expect("the whole body arrives");
        assert!(!body.is_empty(), "{encoding}");
    }
    let plain = desk.page("/admin/orders.csv").await.1;
    assert!(plain.starts_with("order,placed_at,state,email,items,"));
    app.stop().await;
}
