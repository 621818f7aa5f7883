//! `spawn_app()`: the real server on port 0 with a fresh database, cache namespace and object
//! folder of its own, plus a client with helpers for the admin API.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use showroom::config::{AssetsConfig, CacheConfig, Config, HttpConfig};
use showroom::worker::{WorkerContext, WorkerSettings, Workers};
use showroom_http::AppState;
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// Which engines this run uses: `SHOWROOM_TEST_POSTGRES_URL` and `SHOWROOM_TEST_REDIS_URL`.
pub fn postgres_url() -> Option<String> {
    std::env::var("SHOWROOM_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

pub fn redis_url() -> Option<String> {
    std::env::var("SHOWROOM_TEST_REDIS_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// False, after saying `skipping: …` (with `why` Redis is needed), when no test Redis is set.
pub fn redis_is_set(why: &str) -> bool {
    let set = redis_url().is_some();
    if !set {
        eprintln!("skipping: SHOWROOM_TEST_REDIS_URL is not set ({why})");
    }
    set
}

/// `showroom serve --listen <listen>` started in `dir` on its default SQLite database, logging
/// at `info` to a piped stderr, with `env` set on top.
pub fn serve_process(dir: &Path, listen: &str, env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_showroom"))
        .args(["serve", "--listen", listen])
        .current_dir(dir)
        .env_remove("SHOWROOM_TEST_POSTGRES_URL")
        .env("SHOWROOM_LOG_LEVEL", "info")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A database URL no other test uses: a new PostgreSQL database, or a SQLite file in `dir`.
pub async fn fresh_database_url(dir: &TempDir) -> String {
    match postgres_url() {
        Some(admin_url) => {
            let name = format!("showroom_api_{}", uuid::Uuid::new_v4().simple());
            let mut connection = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to SHOWROOM_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut connection)
                .await
                .expect("create a test database");
            let mut url = url::Url::parse(&admin_url).expect("a valid SHOWROOM_TEST_POSTGRES_URL");
            url.set_path(&name);
            url.to_string()
        }
        None => format!("sqlite://{}/showroom.db", dir.path().display()),
    }
}

/// Drops a test's PostgreSQL database (connections are forced closed); SQLite files go with
/// their temp dir.
async fn drop_database_if_postgres(database_url: &str) {
    let (Some(admin_url), Ok(url)) = (postgres_url(), url::Url::parse(database_url)) else {
        return;
    };
    if !url.scheme().starts_with("postgres") {
        return;
    }
    let name = url.path().trim_start_matches('/').to_owned();
    if let Ok(mut connection) = sqlx::PgConnection::connect(&admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut connection)
            .await;
    }
}

pub fn test_config(dir: &TempDir, database_url: String, cache_prefix: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url,
        cache_url: redis_url().unwrap_or_else(|| "memory://".into()),
        storage_url: format!("file://{}/objects", dir.path().display()),
        admin_token: Some(ADMIN_TOKEN.to_owned().into()),
        currency: "USD".into(),
        demo: false,
        http: HttpConfig {
            request_timeout_secs: 10,
            body_limit_bytes: 64 * 1024,
            shutdown_drain_secs: 0,
            ..HttpConfig::default()
        },
        cache: CacheConfig {
            key_prefix: cache_prefix.to_owned(),
            ..CacheConfig::default()
        },
        // Tests send many requests from one address: the shield stays on with its rules, but its
        // rate limits are raised (the shield's own tests lower them) and its Redis keys are the
        // test's own.
        shield: showroom_shield::ShieldConfig {
            rate_limit: showroom_shield::RateLimitConfig {
                general_per_sec: 100_000.0,
                general_burst: 100_000,
                strict_per_sec: 100_000.0,
                strict_burst: 100_000,
                redis_key_prefix: format!("{cache_prefix}shield:"),
                ..Default::default()
            },
            ..Default::default()
        },
        // Most tests upload nothing: no background workers unless a test asks for them.
        assets: AssetsConfig {
            workers: 0,
            poll_millis: 25,
            poster_sizes: vec![128, 256],
            ..AssetsConfig::default()
        },
        ..Config::default()
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    workers: Option<Workers>,
    pub dir: std::sync::Arc<TempDir>,
}

pub async fn spawn_app() -> TestApp {
    spawn_configured(|_| {}).await
}

/// A server whose test configuration `adjust` changed first.
pub async fn spawn_configured(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = TempDir::new().unwrap();
    let url = fresh_database_url(&dir).await;
    let prefix = format!("showroom-test:{}:", uuid::Uuid::new_v4().simple());
    let mut config = test_config(&dir, url, &prefix);
    adjust(&mut config);
    spawn_with(config, std::sync::Arc::new(dir)).await
}

/// The demo shop with its models processed (one worker, small posters), as a shopper finds it
/// once the background jobs of `serve --demo` are done.
pub async fn spawn_demo_app() -> TestApp {
    let app = spawn_configured(|config| *config = demo_config(config.clone())).await;
    app.wait_for_assets().await;
    app
}

/// `config` seeding the demo catalog and processing its models in the background.
pub fn demo_config(config: Config) -> Config {
    Config {
        demo: true,
        assets: AssetsConfig {
            workers: 1,
            poster_sizes: vec![64],
            ..config.assets.clone()
        },
        ..config
    }
}

/// Starts a server for `config`; `dir` is kept alive as long as the app.
pub async fn spawn_with(config: Config, dir: std::sync::Arc<TempDir>) -> TestApp {
    let state = showroom::build_state(&config)
        .await
        .expect("the app starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let drain = Duration::from_secs(config.http.shutdown_drain_secs);
    let server = tokio::spawn(showroom::serve_with_listener(
        listener,
        state.clone(),
        drain,
        async {
            let _ = rx.await;
        },
    ));
    let workers = (config.assets.workers > 0).then(|| {
        Workers::start(WorkerContext {
            queue: state.catalog.clone(),
            blobs: state.blobs.clone(),
            settings: std::sync::Arc::new(WorkerSettings::from_config(&config)),
        })
    });
    TestApp {
        base,
        client: reqwest::Client::new(),
        state,
        config,
        shutdown: Some(tx),
        server: Some(server),
        workers,
        dir,
    }
}

impl TestApp {
    /// Waits until no uploaded model is waiting or processing; panics if one failed.
    pub async fn wait_for_assets(&self) {
        let started = std::time::Instant::now();
        loop {
            let assets = self.state.catalog.list_assets(1000).await.unwrap();
            let failed: Vec<_> = assets
                .iter()
                .filter(|a| a.status == showroom_store::AssetStatus::Failed)
                .map(|a| (a.original_name.clone(), a.failure.clone()))
                .collect();
            assert!(failed.is_empty(), "models failed: {failed:?}");
            if assets
                .iter()
                .all(|a| a.status == showroom_store::AssetStatus::Ready)
            {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "models still processing after 5 minutes"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET and decode JSON, asserting the status.
    pub async fn get_json(&self, path: &str, expected: StatusCode) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), expected, "GET {path}");
        response.json().await.expect("JSON body")
    }

    pub async fn admin(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("admin request")
    }

    /// An admin call without a body (a lookup, or an action such as cancelling).
    pub async fn admin_bodiless(&self, method: Method, path: &str) -> reqwest::Response {
        self.admin(method, path, None).await
    }

    /// An admin call that must answer `expected`; returns the JSON body.
    pub async fn admin_json(
        &self,
        method: Method,
        path: &str,
        body: Value,
        expected: StatusCode,
    ) -> Value {
        let response = self
            .admin(method.clone(), path, (!body.is_null()).then_some(body))
            .await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, expected, "{method} {path} answered {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// An admin GET that must answer 200; returns the JSON body.
    pub async fn admin_get(&self, path: &str) -> Value {
        self.admin_json(Method::GET, path, Value::Null, StatusCode::OK)
            .await
    }

    /// An admin POST that must answer 201 Created; returns the JSON body.
    pub async fn admin_create(&self, path: &str, body: Value) -> Value {
        self.admin_json(Method::POST, path, body, StatusCode::CREATED)
            .await
    }

    /// An admin POST that must answer 200; returns the JSON body.
    pub async fn admin_post(&self, path: &str, body: Value) -> Value {
        self.admin_json(Method::POST, path, body, StatusCode::OK)
            .await
    }

    /// An admin PATCH that must answer 200; returns the JSON body.
    pub async fn admin_patch(&self, path: &str, body: Value) -> Value {
        self.admin_json(Method::PATCH, path, body, StatusCode::OK)
            .await
    }

    /// Creates an API token named `name` for `scopes` (through the admin API); returns its
    /// secret, the only time the server shows it.
    pub async fn api_token(&self, name: &str, scopes: &[&str]) -> String {
        let created = self
            .admin_create(
                "/api/v1/admin/api-tokens",
                json!({"name": name, "scopes": scopes}),
            )
            .await;
        created["token"].as_str().unwrap().to_owned()
    }

    /// Creates a published product with one variant per `(sku, color, price, stock)`.
    pub async fn published_product(
        &self,
        slug: &str,
        title: &str,
        variants: &[(&str, &str, i64, i64)],
    ) -> Value {
        let colors: Vec<&str> = variants.iter().map(|v| v.1).collect();
        let product = self
            .admin_create("/api/v1/admin/products", json!({"slug": slug, "title": title, "description": format!("{title} for the test shop"),
                       "options": [{"name": "Color", "values": colors}]}))
            .await;
        let id = product["id"].as_str().unwrap().to_owned();
        for (sku, color, price, stock) in variants {
            self.admin_create(&format!("/api/v1/admin/products/{id}/variants"), json!({"sku": sku, "option_values": {"Color": color}, "price": {"amount_minor": price, "currency": "USD"}, "on_hand": stock}))
            .await;
        }
        self.admin_post(&format!("/api/v1/admin/products/{id}/publish"), json!({}))
            .await
    }

    /// A published product with one "Oak" variant, SKU `{SLUG}-1`, of `stock` units at `price`;
    /// returns (product id, variant id).
    pub async fn one_variant(
        &self,
        slug: &str,
        title: &str,
        price: i64,
        stock: i64,
    ) -> (String, String) {
        let sku = format!("{}-1", slug.to_uppercase());
        let product = self
            .published_product(slug, title, &[(&sku, "Oak", price, stock)])
            .await;
        (
            product["id"].as_str().unwrap().to_owned(),
            product["variants"][0]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// The stored orders (at most 10) whose email is `email`.
    pub async fn orders_of(&self, email: &str) -> Vec<showroom_store::Order> {
        let email = showroom_domain::Email::parse(email).unwrap();
        self.state
            .catalog
            .orders_for_email(&email, 10)
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        if let Some(workers) = self.workers.take() {
            workers.stop(Duration::from_secs(30)).await;
        }
        drop_database_if_postgres(&self.config.database_url).await;
    }
}

/// Asserts a 422 `validation_failed` problem naming `field`; returns the body.
pub async fn assert_invalid(response: reqwest::Response, field: &str) -> Value {
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some(field),
    )
    .await
}

/// Asserts a problem+json body with this status, code and (when given) field.
pub async fn assert_problem(
    response: reqwest::Response,
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
    body
}

/// Waits for every spawned request and returns their statuses, in the order they were spawned.
pub async fn statuses(attempts: Vec<tokio::task::JoinHandle<StatusCode>>) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    statuses
}

/// How many of `statuses` are `wanted`.
pub fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

/// `GET /api/v1/session` on the server at `base` with `client`'s cookies: the session's body.
pub async fn session_of(client: &reqwest::Client, base: &str) -> Value {
    client
        .get(format!("{base}/api/v1/session"))
        .send()
        .await
        .expect("GET /api/v1/session")
        .json()
        .await
        .expect("a session body")
}

/// The text at `key` of every item of the JSON array `list`.
pub fn texts_of<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    let items = list.as_array().expect("a JSON array");
    items
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

/// The first item of the JSON array `list` whose `key` is `value`; the test fails without one.
pub fn item_where<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    let items = list.as_array().expect("a JSON array");
    items
        .iter()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no item with {key} = {value} in {list}"))
}
