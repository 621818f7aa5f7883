//! The confirmation page every destructive or money-moving action passes through: archive a
//! product, fulfil, cancel or refund an order, switch off a discount code, deactivate a member,
//! revoke a token. The action's button on its page is a GET link or GET form to this page, which
//! says in plain words what will happen and carries the action's fields (and, for refunds, the
//! server-minted idempotency key) into the one POST form that does it. Without JavaScript this is
//! the confirmation; nothing destructive happens on a single click.

use askama::Template;
use axum::response::Response;

use super::layout::AdminChrome;
use super::signed_in::SignedIn;
use crate::pages::errors::PageError;
use crate::pages::render::private_page;

/// A field carried from the request into the confirming form.
pub struct Carried {
    pub name: &'static str,
    pub value: String,
}

/// What a confirmation page says and does.
pub struct Confirmation {
    pub title: String,
    /// Sentences explaining the consequence.
    pub lines: Vec<String>,
    /// Where the confirming form posts.
    pub action: String,
    pub carried: Vec<Carried>,
    pub button: String,
    /// `danger` for what cannot be undone, `primary` otherwise.
    pub tone: &'static str,
    /// Where "Go back" leads.
    pub back: String,
}

impl Confirmation {
    pub fn carry(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.carried.push(Carried {
            name,
            value: value.into(),
        });
        self
    }
}

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmPage {
    chrome: AdminChrome,
    confirm: Confirmation,
}

/// Renders `confirm` for `user` in section `section`.
pub async fn confirmation_page(
    user: &SignedIn,
    section: &str,
    confirm: Confirmation,
) -> Result<Response, PageError> {
    let chrome = AdminChrome::new(user, confirm.title.clone(), section).await?;
    private_page(&ConfirmPage { chrome, confirm })
}
