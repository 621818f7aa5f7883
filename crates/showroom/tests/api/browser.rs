//! A [`Browser`]: a client with a cookie jar that keeps one session and its CSRF token, the way
//! a shop page would.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{session_of, TestApp};

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    /// Starts a session (`GET /api/v1/session`) and keeps its token.
    pub async fn open(app: &TestApp) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let mut browser = Self {
            client,
            base: app.base.clone(),
            csrf: String::new(),
        };
        browser.refresh_csrf().await;
        browser
    }

    pub async fn refresh_csrf(&mut self) -> Value {
        let session = session_of(&self.client, &self.base).await;
        self.csrf = session["csrf_token"].as_str().unwrap().to_owned();
        session
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("X-CSRF-Token", &self.csrf)
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// The session's cart, as `GET /api/v1/cart` answers it.
    pub async fn cart(&self) -> Value {
        self.send(Method::GET, "/api/v1/cart", None)
            .await
            .json()
            .await
            .unwrap()
    }

    /// Registers a customer and takes the rotated session's new CSRF token.
    pub async fn register(&mut self, email: &str, password: &str) -> Value {
        let response = self
            .send(
                Method::POST,
                "/api/v1/account/register",
                Some(json!({"email": email, "password": password})),
            )
            .await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.refresh_csrf().await;
        body
    }

    /// Logs in (customer or staff login path) and takes the new CSRF token.
    pub async fn login(&mut self, path: &str, email: &str, password: &str) -> reqwest::Response {
        let response = self
            .send(
                Method::POST,
                path,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        if response.status() == StatusCode::OK {
            self.refresh_csrf().await;
        }
        response
    }
}

/// Two sessions of a new customer account `email`: the one that registered it, and a second
/// one that logged in to it afterwards (the login must succeed).
pub async fn signed_in_on_two_devices(
    app: &TestApp,
    email: &str,
    password: &str,
) -> (Browser, Browser) {
    let mut first = Browser::open(app).await;
    first.register(email, password).await;
    let mut second = Browser::open(app).await;
    let login = second.login("/api/v1/account/login", email, password).await;
    assert_eq!(login.status(), StatusCode::OK);
    (first, second)
}
