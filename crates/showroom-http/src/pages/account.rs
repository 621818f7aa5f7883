//! The shopper's account forms: sign in, register and sign out (the password form is in
//! `account_password`), on the same use cases as the API ([`Accounts`](showroom_shop::Accounts)) and the same session rules
//! ([`start_account_session`]: a new session id and CSRF token at sign-in).
//!
//! Every form is POST → redirect (303) → GET. A refused form is rendered again with its status
//! (401 wrong credentials, 409 a taken email, 422 a bad field, 429 throttled, 403 an expired
//! form), filled in as typed — except passwords, which never travel back to the browser — with
//! the message next to the field it is about. The throttle's refusal says when to try again and
//! carries `Retry-After`.
//!
//! Signing in or registering moves the guest cart into the account's cart (the shop does it),
//! so the header's cart count is sent again, with the signed-in hint `site.js` reads.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use showroom_domain::Email;
use showroom_shield::ClientIp;
use showroom_shop::{CartOwner, ShopError};
use showroom_store::Customer;

use super::cart::item_count;
use super::chrome::Chrome;
use super::errors::PageError;
use super::forms::{
    csrf_ok, csrf_strict, flash, safe_return, see_other, set_signed_in_hint, take_flash,
    FieldErrors,
};
use super::render::page_with_status;
use crate::routes::account::client_ip;
use crate::sessions::CUSTOMER_ID;
use crate::shopper::{end_session, start_account_session, Shopper};
use crate::state::AppState;

pub(super) const EXPIRED: &str = "This form had expired. Please try again.";
const BAD_EMAIL: &str = "Enter your email address, like name@example.com.";
const WRONG_CREDENTIALS: &str = "The email or the password is not right.";
pub(super) const BUSY: &str = "We are very busy right now. Please try again in a few seconds.";

/// The password rules as the domain's policy applies them, shown under new-password fields.
pub(super) const PASSWORD_RULES: &str =
    "At least 10 characters. Not a common password, a run like \
                              1234567890, or your email address.";

#[derive(Debug, Default, Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

#[derive(Template)]
#[template(path = "account_sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    /// Registration (`true`) or sign-in.
    register: bool,
    csrf_token: String,
    email: String,
    next: String,
    /// `?next=…` for the link to the other form, so the shopper still comes back.
    next_query: String,
    notice: Option<String>,
    errors: FieldErrors,
    password_rules: &'static str,
}

fn next_query(next: &str) -> String {
    if next == "/account" {
        return String::new();
    }
    let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("?next={encoded}")
}

/// Renders the sign-in or registration form. `email` is re-filled; the password never is.
async fn sign_in_page(
    state: &AppState,
    shopper: &Shopper,
    register: bool,
    email: String,
    next: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let title = if register {
        "Create an account"
    } else {
        "Sign in"
    };
    let chrome = Chrome::private(state, title, shopper.customer).await?;
    let page = SignInPage {
        chrome,
        register,
        csrf_token: shopper.csrf_token().await?,
        email,
        next_query: next_query(&next),
        next,
        notice: take_flash(&shopper.session).await?,
        errors,
        password_rules: PASSWORD_RULES,
    };
    page_with_status(status, &page)
}

async fn form_page(
    state: AppState,
    shopper: Shopper,
    query: NextQuery,
    register: bool,
) -> Result<Response, PageError> {
    let next = safe_return(query.next.as_deref());
    if shopper.customer.is_some() {
        return Ok(see_other(&next, None));
    }
    if query.signed_out.is_some() {
        flash(&shopper.session, "You are signed out.").await?;
    }
    let page = sign_in_page(
        &state,
        &shopper,
        register,
        String::new(),
        next,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await?;
    Ok(page)
}

/// `GET /account/login`; someone already signed in goes straight on.
pub async fn login_form(
    State(state): State<AppState>,
    shopper: Shopper,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    form_page(state, shopper, query, false).await
}

/// `GET /account/register`; someone already signed in goes straight on.
pub async fn register_form(
    State(state): State<AppState>,
    shopper: Shopper,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    form_page(state, shopper, query, true).await
}

/// The answer to a successful sign-in or registration: the session is the customer's now (new
/// id and CSRF token); on to `next`, with the merged cart's count and the signed-in hint.
async fn signed_in(
    state: &AppState,
    shopper: &Shopper,
    customer: &Customer,
    next: &str,
) -> Result<Response, PageError> {
    start_account_session(state, &shopper.session, CUSTOMER_ID, customer.id).await?;
    let cart = state
        .shop
        .carts
        .shopper_cart(CartOwner::Customer(customer.id))
        .await
        .map_err(crate::error::ApiError::from)?;
    let mut response = see_other(next, Some(item_count(cart.as_ref())));
    set_signed_in_hint(&mut response, true);
    Ok(response)
}

/// What a refused sign-in or registration shows, and with which status; `Err` for what is not
/// the shopper's to fix (it becomes an error page).
fn refusal(error: ShopError, now_ms: i64) -> Result<(StatusCode, FieldErrors), PageError> {
    let mut errors = FieldErrors::default();
    let status = match error {
        ShopError::InvalidCredentials => {
            errors.add("password", WRONG_CREDENTIALS);
            StatusCode::UNAUTHORIZED
        }
        ShopError::Throttled { retry_after_secs } => {
            errors.add(
                "form",
                format!(
                    "Too many failed sign-ins. For your safety, this account is locked for a \
                     while: try again {}.",
                    super::format::retry_after(retry_after_secs, now_ms)
                ),
            );
            StatusCode::TOO_MANY_REQUESTS
        }
        ShopError::Invalid { field, detail } => {
            let about = if field == "email" {
                "email"
            } else {
                "password"
            };
            errors.add(about, capitalized(&detail));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ShopError::Conflict { .. } => {
            errors.add(
                "email",
                "An account with this email already exists. Sign in instead, or use another \
                 email.",
            );
            StatusCode::CONFLICT
        }
        ShopError::Busy { .. } => {
            errors.add("form", BUSY);
            StatusCode::SERVICE_UNAVAILABLE
        }
        other => return Err(PageError(other.into())),
    };
    Ok((status, errors))
}

pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

/// The 429 page carries `Retry-After` like the API's answer.
fn with_retry_after(mut response: Response, retry_after_secs: Option<u64>) -> Response {
    if let Some(secs) = retry_after_secs {
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// Checks what the form can check before the shop is asked: the CSRF token and the email's
/// shape. `Err` is the refused form, ready to send.
async fn checked_email(
    state: &AppState,
    shopper: &Shopper,
    form: &CredentialsForm,
    register: bool,
) -> Result<Result<Email, Response>, PageError> {
    let typed = form.email.trim().to_owned();
    let next = safe_return(Some(&form.next));
    if !csrf_strict(shopper, &form.csrf_token).await? {
        let errors = FieldErrors::one("form", EXPIRED);
        let page = sign_in_page(
            state,
            shopper,
            register,
            typed,
            next,
            errors,
            StatusCode::FORBIDDEN,
        );
        return Ok(Err(page.await?));
    }
    match Email::parse(&typed) {
        Ok(email) if !form.password.is_empty() || register => Ok(Ok(email)),
        Ok(_) => {
            let errors = FieldErrors::one("password", "Enter your password.");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let page = sign_in_page(state, shopper, register, typed, next, errors, status);
            Ok(Err(page.await?))
        }
        Err(_) => {
            let errors = FieldErrors::one("email", BAD_EMAIL);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let page = sign_in_page(state, shopper, register, typed, next, errors, status);
            Ok(Err(page.await?))
        }
    }
}

/// `POST /account/login`: throttled like the API's login (per account and per address).
pub async fn login(
    State(state): State<AppState>,
    shopper: Shopper,
    ip: Option<Extension<ClientIp>>,
    Form(form): Form<CredentialsForm>,
) -> Result<Response, PageError> {
    let email = match checked_email(&state, &shopper, &form, false).await? {
        Ok(email) => email,
        Err(refused) => return Ok(refused),
    };
    let next = safe_return(Some(&form.next));
    let guest_cart = shopper.guest_cart_id().await?;
    let result = state
        .shop
        .accounts
        .login_customer(&email, &form.password, client_ip(ip), guest_cart)
        .await;
    match result {
        Ok(customer) => signed_in(&state, &shopper, &customer, &next).await,
        Err(error) => {
            let retry_after = match error {
                ShopError::Throttled { retry_after_secs } => Some(retry_after_secs),
                _ => None,
            };
            let (status, errors) = refusal(error, showroom_store::unix_millis())?;
            let typed = form.email.trim().to_owned();
            let page = sign_in_page(&state, &shopper, false, typed, next, errors, status).await?;
            Ok(with_retry_after(page, retry_after))
        }
    }
}

/// `POST /account/register`: a new account, signed in at once.
pub async fn register(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<CredentialsForm>,
) -> Result<Response, PageError> {
    let email = match checked_email(&state, &shopper, &form, true).await? {
        Ok(email) => email,
        Err(refused) => return Ok(refused),
    };
    let next = safe_return(Some(&form.next));
    let guest_cart = shopper.guest_cart_id().await?;
    let result = state
        .shop
        .accounts
        .register_customer(email, &form.password, guest_cart)
        .await;
    match result {
        Ok(customer) => {
            tracing::info!(customer = %customer.id, "a customer registered");
            signed_in(&state, &shopper, &customer, &next).await
        }
        Err(error) => {
            let (status, errors) = refusal(error, showroom_store::unix_millis())?;
            let typed = form.email.trim().to_owned();
            sign_in_page(&state, &shopper, true, typed, next, errors, status).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /account/logout`: the session is deleted (its cart id with it: a signed-out shopper
/// starts with an empty guest cart, and the account keeps its own).
pub async fn logout(shopper: Shopper, Form(form): Form<TokenForm>) -> Result<Response, PageError> {
    if !csrf_ok(&shopper, &form.csrf_token).await? {
        flash(
            &shopper.session,
            "That form had expired; please sign out again.",
        )
        .await?;
        return Ok(see_other("/account", None));
    }
    end_session(&shopper.session).await?;
    let mut response = see_other("/account/login?signed_out=1", Some(0));
    set_signed_in_hint(&mut response, false);
    Ok(response)
}

/// The signed-in customer, or (`Err`) the redirect to sign in and come back to `here`. A session
/// whose account is gone is ended.
pub(super) async fn signed_in_customer(
    state: &AppState,
    shopper: &Shopper,
    here: &str,
) -> Result<Result<Customer, Response>, PageError> {
    let to_sign_in = || {
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        let mut response = see_other(&format!("/account/login?next={next}"), None);
        set_signed_in_hint(&mut response, false);
        response
    };
    let Some(id) = shopper.customer else {
        return Ok(Err(to_sign_in()));
    };
    match state.catalog.customer(id).await? {
        Some(customer) => Ok(Ok(customer)),
        None => {
            end_session(&shopper.session).await?;
            Ok(Err(to_sign_in()))
        }
    }
}

/// A signed-in page's response also refreshes the signed-in hint (it may have been cleared by
/// another tab's sign-out while this session lives on elsewhere).
pub(super) fn with_signed_in_hint(mut response: Response) -> Response {
    set_signed_in_hint(&mut response, true);
    response
}
