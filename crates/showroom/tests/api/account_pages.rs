//! The shopper's account pages over real HTTP, the way a browser without JavaScript sends them
//! (a cookie jar, URL-encoded forms, redirects seen one by one): the CSRF field refused when
//! missing or wrong, refused forms coming back filled in without the password, the throttle's
//! 429 saying when to retry, the guest cart merged at registration and sign-in, the order
//! history and detail (another customer's order is a 404), and the password change.

use reqwest::{header, StatusCode};
use serde_json::Value;

use crate::form_browser::{field_value, location, set_cookies, FormBrowser};
use crate::helpers::{spawn_app, TestApp};

const PASSWORD: &str = "correct horse battery 9";
const NEW_PASSWORD: &str = "a brand new passphrase 4";

/// A browser without JavaScript.
type Visitor = FormBrowser;

/// The account pages' steps, as a shopper takes them.
impl FormBrowser {
    async fn register(&self, email: &str) -> reqwest::Response {
        let response = self
            .submit(
                "/account/register",
                "/account/register",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "registered");
        response
    }

    async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/account/login",
            "/account/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    async fn sign_out(&self) {
        let out = self.submit("/account", "/account/logout", &[]).await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&out), "/account/login?signed_out=1");
    }

    /// Adds one unit from the product page's form (which carries a CSRF token once the visitor
    /// has a session, and needs none before).
    async fn add_to_cart(&self, variant: &str) {
        let (_, html) = self.page("/products/desk-lamp").await;
        let mut fields = vec![("variant_id", variant), ("quantity", "1")];
        let token = html
            .contains("name=\"csrf_token\"")
            .then(|| field_value(&html, "csrf_token"));
        if let Some(token) = &token {
            fields.push(("csrf_token", token));
        }
        let added = self.post("/cart/add", &fields).await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
    }

    /// Checks the cart out through the checkout form; the order's id.
    async fn check_out(&self, email: &str) -> String {
        let (status, html) = self.page("/checkout").await;
        assert_eq!(status, StatusCode::OK);
        let csrf = field_value(&html, "csrf_token");
        let key = field_value(&html, "checkout_token");
        let placed = self
            .post(
                "/checkout",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("checkout_token", key.as_str()),
                    ("email", email),
                    ("name", "Ada Lovelace"),
                    ("line1", "12 Analytical Row"),
                    ("postal_code", "94107"),
                    ("city", "San Francisco"),
                    ("country", "US"),
                    ("card_number", "4242 4242 4242 4242"),
                ],
            )
            .await;
        assert_eq!(placed.status(), StatusCode::SEE_OTHER);
        let to = location(&placed);
        to.trim_start_matches("/orders/")
            .split('?')
            .next()
            .unwrap()
            .to_owned()
    }
}

async fn lamp(app: &TestApp) -> String {
    let product: Value = app
        .published_product("desk-lamp", "Desk Lamp", &[("LAMP-1", "Black", 4_900, 20)])
        .await;
    product["variants"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn account_forms_refuse_a_missing_or_wrong_csrf_token_and_keep_the_email() {
    let app = spawn_app().await;
    let visitor = Visitor::new(&app);
    visitor.register("csrf@example.com").await;
    visitor.sign_out().await;

    // No session at all: a sign-in form from another site cannot log anyone in.
    let stranger = Visitor::new(&app);
    let forged = stranger
        .post(
            "/account/login",
            &[("email", "csrf@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let html = forged.text().await.unwrap();
    assert!(html.contains("This form had expired"), "{html}");
    assert!(html.contains("value=\"csrf@example.com\""), "re-filled");
    assert!(!html.contains(PASSWORD), "never the password");
    let (_, account) = stranger.page("/account").await;
    assert!(!account.contains("csrf@example.com"), "not signed in");

    // A session, but a wrong token.
    let (_, _) = visitor.page("/account/login").await;
    let wrong = visitor
        .post(
            "/account/login",
            &[
                ("csrf_token", "0".repeat(64).as_str()),
                ("email", "csrf@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("value=\"csrf@example.com\""));
    assert!(!html.contains(PASSWORD));
    let away = visitor
        .client
        .get(format!("{}/account", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(away.status(), StatusCode::SEE_OTHER, "still signed out");

    // The password form and sign-out check it too.
    visitor.sign_in("csrf@example.com", PASSWORD).await;
    let change = visitor
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(change.status(), StatusCode::FORBIDDEN);
    let out = visitor.post("/account/logout", &[]).await;
    assert_eq!(
        location(&out),
        "/account",
        "a forged sign-out changes nothing"
    );
    let (status, _) = visitor.page("/account").await;
    assert_eq!(status, StatusCode::OK, "still signed in");
    visitor.sign_out().await;
    let old = visitor.sign_in("csrf@example.com", PASSWORD).await;
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "the password is unchanged"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_refused_sign_in_comes_back_filled_in_without_the_password_and_the_throttle_says_when() {
    let app = spawn_app().await;
    let visitor = Visitor::new(&app);
    let registered = visitor.register("ada@example.com").await;
    assert_eq!(location(&registered), "/account");
    assert!(set_cookies(&registered)
        .iter()
        .any(|c| c.starts_with("showroom_signed_in=1")));
    visitor.sign_out().await;

    let typed = "not my password 123";
    let wrong = visitor.sign_in("ada@example.com", typed).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let html = wrong.text().await.unwrap();
    assert!(
        html.contains("value=\"ada@example.com\""),
        "the email is kept"
    );
    assert!(
        html.contains("id=\"password-error\""),
        "next to the password"
    );
    assert!(html.contains("The email or the password is not right."));
    assert!(!html.contains(typed), "the password never comes back");

    let malformed = visitor.sign_in("ada-at-example", PASSWORD).await;
    assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = malformed.text().await.unwrap();
    assert!(html.contains("id=\"email-error\""));
    assert!(html.contains("value=\"ada-at-example\""));

    let taken = visitor
        .submit(
            "/account/register",
            "/account/register",
            &[
                ("email", "ADA@example.com"),
                ("password", "some other pass 55"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let html = taken.text().await.unwrap();
    assert!(html.contains("already exists") && html.contains("id=\"email-error\""));
    assert!(!html.contains("some other pass 55"));

    let weak = visitor
        .submit(
            "/account/register",
            "/account/register",
            &[("email", "bob@example.com"), ("password", "short")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = weak.text().await.unwrap();
    assert!(html.contains("id=\"password-error\"") && html.contains("value=\"bob@example.com\""));

    // Four more wrong passwords make five: the sixth try is held back, even with the right one.
    for _ in 0..4 {
        let again = visitor.sign_in("ada@example.com", typed).await;
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    }
    let held = visitor.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = held.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let html = held.text().await.unwrap();
    assert!(html.contains("try again in 15 minutes (at "), "{html}");
    assert!(html.contains("value=\"ada@example.com\""));
    app.stop().await;
}

#[tokio::test]
async fn orders_are_listed_and_opened_by_their_customer_and_anyone_elses_is_a_404() {
    let app = spawn_app().await;
    let variant = lamp(&app).await;

    // A guest fills a cart, then registers: the cart comes along.
    let ada = Visitor::new(&app);
    ada.add_to_cart(&variant).await;
    let registered = ada.register("ada@example.com").await;
    assert!(set_cookies(&registered)
        .iter()
        .any(|c| c.starts_with("showroom_cart_count=1")));
    let (_, cart) = ada.page("/cart").await;
    assert!(cart.contains("Desk Lamp"), "the guest cart was merged");
    assert!(
        cart.contains(&format!("href=\"/products/desk-lamp?variant={variant}\"")),
        "the line links to its product page, on its variant"
    );
    let (_, checkout) = ada.page("/checkout").await;
    assert!(
        checkout.contains("value=\"ada@example.com\""),
        "the account's email is filled in"
    );
    let order = ada.check_out("ada@example.com").await;
    let (_, home) = ada.page("/").await;
    let shelf = home
        .split("data-best-sellers")
        .nth(1)
        .expect("the home page shows best sellers once something sold");
    assert!(shelf
        .split("</section>")
        .next()
        .unwrap()
        .contains("Desk Lamp"));

    let (status, account) = ada.page("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(account.contains(&format!("href=\"/account/orders/{order}\"")));
    assert!(account.contains("Paid") && account.contains("$"));
    let (status, detail) = ada.page(&format!("/account/orders/{order}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("Desk Lamp") && detail.contains("12 Analytical Row"));

    // Another customer cannot see it, nor tell it from an order that does not exist.
    let bob = Visitor::new(&app);
    bob.register("bob@example.com").await;
    let (theirs, _) = bob.page(&format!("/account/orders/{order}")).await;
    assert_eq!(theirs, StatusCode::NOT_FOUND);
    let (unknown, _) = bob
        .page(&format!("/account/orders/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    let (_, bobs) = bob.page("/account").await;
    assert!(bobs.contains("No orders yet") && !bobs.contains(&order));

    // Signed out, the order sends the shopper to sign in and come back.
    let stranger = Visitor::new(&app);
    let away = stranger
        .client
        .get(format!("{}/account/orders/{order}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(away.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&away),
        format!("/account/login?next=%2Faccount%2Forders%2F{order}")
    );
    // Signing in from there merges the stranger's guest cart into Bob's and goes back.
    stranger.add_to_cart(&variant).await;
    let back = stranger
        .submit(
            &format!("/account/login?next=/account/orders/{order}"),
            "/account/login",
            &[
                ("email", "bob@example.com"),
                ("password", PASSWORD),
                ("next", "/cart"),
            ],
        )
        .await;
    assert_eq!(location(&back), "/cart");
    let (_, cart) = stranger.page("/cart").await;
    assert!(cart.contains("Desk Lamp"), "merged at sign-in");
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let visitor = Visitor::new(&app);
    visitor.register("pat@example.com").await;

    let wrong = visitor
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "not the current one"),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("id=\"current-error\""));
    assert!(!html.contains(NEW_PASSWORD) && !html.contains("not the current one"));

    let mismatch = visitor
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch
        .text()
        .await
        .unwrap()
        .contains("id=\"confirm-error\""));

    let changed = visitor
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&changed), "/account");
    let (_, account) = visitor.page("/account").await;
    assert!(account.contains("Your password is changed."));

    visitor.sign_out().await;
    let old = visitor.sign_in("pat@example.com", PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = visitor.sign_in("pat@example.com", NEW_PASSWORD).await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}
