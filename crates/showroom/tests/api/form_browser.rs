//! A browser without JavaScript, shared by the storefront's account pages and the back office's
//! pages: a cookie jar, URL-encoded forms, and redirects not followed so each answer is seen.

use reqwest::{header, redirect, StatusCode};

use crate::helpers::TestApp;

pub struct FormBrowser {
    pub client: reqwest::Client,
    pub base: String,
}

/// The `value` of the form field `name` on `html`.
pub fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("the page has a {name} field"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

impl FormBrowser {
    pub fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            client,
            base: app.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (response.status(), response.text().await.unwrap())
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Sends `fields` to `action` with the CSRF token of the page at `form_page`.
    pub async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.page(form_page).await;
        let token = field_value(&html, "csrf_token");
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }
}
