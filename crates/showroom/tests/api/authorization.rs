//! The authorization matrix: every operation of the OpenAPI document, called by anonymous,
//! customer A, customer B, staff, admin and an API token scoped to the catalog, checked against
//! the rule for its area (see `showroom_http::principal`). Only the authorization outcome is
//! judged: 401 (nobody known), 403 (known, not allowed) or anything else (allowed through; a
//! 404 or 422 for the made-up ids and empty bodies is fine). Ownership of orders is its own
//! cell: customer A reads A's order, customer B gets 404.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::accounts::PASSWORD;
use crate::browser::Browser;
use crate::helpers::{item_where, spawn_app, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    CustomerA,
    CustomerB,
    Staff,
    Admin,
    CatalogToken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Unauthenticated,
    Forbidden,
    Allowed,
}

fn outcome_of(status: StatusCode) -> Outcome {
    match status {
        StatusCode::UNAUTHORIZED => Outcome::Unauthenticated,
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        _ => Outcome::Allowed,
    }
}

/// The rule: what `who` must get from `method path`.
fn expected(who: Who, path: &str) -> Outcome {
    use Outcome::*;
    if let Some(rest) = path.strip_prefix("/api/v1/admin/") {
        let area = rest.split('/').next().unwrap_or_default();
        return match (who, area) {
            (Who::Anonymous | Who::CustomerA | Who::CustomerB, _) => Unauthenticated,
            (Who::Admin, _) => Allowed,
            (Who::Staff, "staff" | "api-tokens" | "discount-codes") => Forbidden,
            (Who::Staff, _) => Allowed,
            (Who::CatalogToken, "staff" | "api-tokens" | "discount-codes" | "orders") => Forbidden,
            (Who::CatalogToken, _) => Allowed,
        };
    }
    if path.starts_with("/api/v1/account") {
        return match who {
            Who::CustomerA | Who::CustomerB => Allowed,
            _ => Unauthenticated,
        };
    }
    Allowed
}

/// Session logins and logout change who the caller is; they have their own tests.
const SKIPPED: [&str; 4] = [
    "/api/v1/account/login",
    "/api/v1/account/logout",
    "/api/v1/account/register",
    "/api/v1/staff/login",
];

struct Caller {
    who: Who,
    browser: Option<Browser>,
    bearer: Option<String>,
    plain: reqwest::Client,
}

impl Caller {
    async fn call(&self, app: &TestApp, method: Method, path: &str) -> StatusCode {
        let writes = !matches!(method, Method::GET | Method::HEAD);
        let mut request = match &self.browser {
            Some(browser) => browser.request(method, path),
            None => self.plain.request(method, app.url(path)),
        };
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        if writes {
            request = request.json(&json!({}));
        }
        request.send().await.expect("matrix request").status()
    }
}

async fn staff_browser(app: &TestApp, email: &str, role: &str) -> Browser {
    app.admin_create(
        "/api/v1/admin/staff",
        json!({"email": email, "password": PASSWORD, "role": role}),
    )
    .await;
    let mut browser = Browser::open(app).await;
    let login = browser.login("/api/v1/staff/login", email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    browser
}

async fn customer(app: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::open(app).await;
    browser.register(email, PASSWORD).await;
    browser
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_the_rules_say() {
    let app = spawn_app().await;
    let token = app.api_token("matrix", &["catalog"]).await;
    let plain = reqwest::Client::new();
    let callers = vec![
        Caller {
            who: Who::Anonymous,
            browser: None,
            bearer: None,
            plain: plain.clone(),
        },
        Caller {
            who: Who::CustomerA,
            browser: Some(customer(&app, "a@example.com").await),
            bearer: None,
            plain: plain.clone(),
        },
        Caller {
            who: Who::CustomerB,
            browser: Some(customer(&app, "b@example.com").await),
            bearer: None,
            plain: plain.clone(),
        },
        Caller {
            who: Who::Staff,
            browser: Some(staff_browser(&app, "clerk@example.com", "staff").await),
            bearer: None,
            plain: plain.clone(),
        },
        Caller {
            who: Who::Admin,
            browser: Some(staff_browser(&app, "boss@example.com", "admin").await),
            bearer: None,
            plain: plain.clone(),
        },
        Caller {
            who: Who::CatalogToken,
            browser: None,
            bearer: Some(token),
            plain,
        },
    ];

    let document: Value = app.get_json("/api/openapi.json", StatusCode::OK).await;
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() && !SKIPPED.contains(&path.as_str()) {
                operations.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert!(
        operations.len() > 30,
        "the document lists the API: {operations:?}"
    );
    assert!(operations
        .iter()
        .any(|(_, p)| p.starts_with("/api/v1/admin/staff")));

    let mut wrong = Vec::new();
    let mut cells = 0;
    for (method, template) in &operations {
        let path = fill_params(template);
        for caller in &callers {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let status = caller.call(&app, method.clone(), &path).await;
            let want = expected(caller.who, template);
            cells += 1;
            if outcome_of(status) != want || status.is_server_error() {
                wrong.push(format!(
                    "{method} {path} as {:?}: {status}, want {want:?}",
                    caller.who
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    app.stop().await;
}

/// A made-up but well-formed value for every `{param}`.
fn fill_params(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&uuid::Uuid::now_v7().to_string());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn deactivated_staff_and_revoked_tokens_lose_access_at_once() {
    let app = spawn_app().await;
    let clerk = staff_browser(&app, "temp@example.com", "staff").await;
    let products = "/api/v1/admin/products";
    let listed = clerk.send(Method::GET, products, None).await;
    assert_eq!(listed.status(), StatusCode::OK);
    let staff: Value = app.admin_get("/api/v1/admin/staff").await;
    let id = item_where(&staff, "email", "temp@example.com")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.admin_patch(
        &format!("/api/v1/admin/staff/{id}"),
        json!({"active": false}),
    )
    .await;
    let after = clerk.send(Method::GET, products, None).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);

    let created = app
        .admin_create(
            "/api/v1/admin/api-tokens",
            json!({"name": "ci", "scopes": ["catalog"]}),
        )
        .await;
    let token = created["token"].as_str().unwrap();
    assert!(token.starts_with("srt_"));
    let with_token = || {
        app.client
            .get(app.url("/api/v1/admin/products"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(with_token().await.unwrap().status(), StatusCode::OK);
    let listed: Value = app.admin_get("/api/v1/admin/api-tokens").await;
    assert!(
        listed[0].get("token").is_none(),
        "the secret is never listed: {listed}"
    );
    app.admin_json(
        Method::DELETE,
        &format!(
            "/api/v1/admin/api-tokens/{}",
            created["id"].as_str().unwrap()
        ),
        Value::Null,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        with_token().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let bad_scope = app
        .admin(
            Method::POST,
            "/api/v1/admin/api-tokens",
            Some(json!({"name": "x", "scopes": ["everything"]})),
        )
        .await;
    assert_eq!(bad_scope.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}
