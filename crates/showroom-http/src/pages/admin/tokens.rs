//! API tokens (admins only): the list (never the tokens themselves — only their SHA-256 is
//! kept), creating a token scoped to `catalog`, `orders` and/or `discounts` — shown once, in the
//! flash message of the page after the form, then gone — and revoking one through a
//! confirmation (it stops working at once).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use showroom_store::ApiTokenRecord;

use super::allowed::{Access, Allowed};
use super::confirm::{confirmation_page, Confirmation};
use super::form::{top_field, FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::orders::date_time;
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::errors::PageError;
use crate::principal::TOKEN_SCOPES;
use crate::state::AppState;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created: String,
    pub by: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

pub struct ScopeChoice {
    pub value: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    chrome: AdminChrome,
    rows: Vec<TokenRow>,
    name: String,
    scopes: Vec<ScopeChoice>,
    errors: FieldErrors,
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    form: Option<(FormData, FieldErrors)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let staff = state.catalog.list_staff().await?;
    let rows = state
        .catalog
        .list_api_tokens()
        .await?
        .into_iter()
        .map(|t: ApiTokenRecord| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            scopes: t.scopes.join(", "),
            created: date_time(t.created_at),
            by: t
                .created_by
                .and_then(|id| staff.iter().find(|m| m.id == id))
                .map(|m| m.email.as_typed().to_owned())
                .unwrap_or_else(|| "—".into()),
            last_used: t
                .last_used_at
                .map(date_time)
                .unwrap_or_else(|| "Never".into()),
            revoked: t.revoked_at.map(date_time),
        })
        .collect();
    let (name, checked, errors) = match &form {
        Some((typed, errors)) => (
            typed.get("name").to_owned(),
            typed
                .all("scope")
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
            errors.clone(),
        ),
        None => (String::new(), Vec::new(), FieldErrors::default()),
    };
    let page = TokensPage {
        chrome: AdminChrome::new(user, "API tokens", "/admin/tokens").await?,
        rows,
        name,
        scopes: TOKEN_SCOPES
            .iter()
            .map(|&value| ScopeChoice {
                value,
                checked: checked.iter().any(|c| c == value),
            })
            .collect(),
        errors,
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, user: Allowed<Access>) -> Reply {
    Ok(render(&state, &user, None, StatusCode::OK).await?)
}

pub async fn create(State(state): State<AppState>, user: Allowed<Access>, form: FormData) -> Reply {
    let scopes = form.all("scope").into_iter().map(str::to_owned).collect();
    let created = state
        .shop
        .accounts
        .create_api_token(form.get("name"), scopes, Some(user.member.id))
        .await
        .map_err(Refusal::from);
    match created {
        Ok(issued) => {
            let record = issued.record;
            let flash = Flash {
                secret: Some(issued.token),
                ..Flash::ok(format!(
                    "Token “{}” created with {}. Send it as `Authorization: Bearer …`.",
                    record.name,
                    record.scopes.join(", ")
                ))
            };
            Ok(done(&user, flash, "/admin/tokens").await?)
        }
        Err(refusal) => {
            let rename = |path: &str| match top_field(path).as_str() {
                "scopes" => "scope".to_owned(),
                other => other.to_owned(),
            };
            let (status, errors) = refusal.into_errors_beside(rename, "name")?;
            Ok(render(&state, &user, Some((form, errors)), status).await?)
        }
    }
}

pub async fn confirm_revoke(Named(user, record): Named<ApiTokenRecord>) -> Reply {
    let confirm = Confirmation {
        title: format!("Revoke “{}”?", record.name),
        lines: vec![
            "Every program using it is refused from now on (401). This cannot be undone: make a new token if it is needed again.".into(),
        ],
        action: format!("/admin/tokens/{}/revoke", record.id),
        carried: Vec::new(),
        button: "Revoke".into(),
        tone: "danger",
        back: "/admin/tokens".into(),
    };
    Ok(confirmation_page(&user, "/admin/tokens", confirm).await?)
}

pub async fn revoke(
    State(state): State<AppState>,
    Named(user, record): Named<ApiTokenRecord>,
) -> Reply {
    let revoked = state
        .catalog
        .revoke_api_token(record.id)
        .await
        .map_err(PageError::from)?;
    let flash = Flash::ok(format!("Token “{}” is revoked.", revoked.name));
    Ok(done(&user, flash, "/admin/tokens").await?)
}
