//! The shopper's password form (`/account/password`): the current password must match, the new
//! one pass the domain's policy and be typed twice the same; then the account's other sessions
//! end, this one gets a new id, and the account page says so. A refused form comes back with the
//! message next to its field, the passwords never sent back.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use showroom_shop::ShopError;
use showroom_store::Customer;

use super::account::{capitalized, signed_in_customer, BUSY, EXPIRED, PASSWORD_RULES};
use super::chrome::Chrome;
use super::errors::PageError;
use super::forms::{csrf_ok, flash, see_other, FieldErrors};
use super::render::page_with_status;
use crate::shopper::{renew_after_password_change, Shopper};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    chrome: Chrome,
    csrf_token: String,
    email: String,
    errors: FieldErrors,
    password_rules: &'static str,
}

async fn password_page(
    state: &AppState,
    shopper: &Shopper,
    customer: &Customer,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let chrome = Chrome::private(state, "Change your password", shopper.customer).await?;
    let page = PasswordPage {
        chrome,
        csrf_token: shopper.csrf_token().await?,
        email: customer.email.as_typed().to_owned(),
        errors,
        password_rules: PASSWORD_RULES,
    };
    page_with_status(status, &page)
}

/// `GET /account/password`.
pub async fn password_form(
    State(state): State<AppState>,
    shopper: Shopper,
) -> Result<Response, PageError> {
    let customer = match signed_in_customer(&state, &shopper, "/account/password").await? {
        Ok(customer) => customer,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    password_page(
        &state,
        &shopper,
        &customer,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /account/password`: the current password must match, the new one pass the policy and
/// be typed twice the same; then the session id is rotated and the account page says so.
pub async fn change_password(
    State(state): State<AppState>,
    shopper: Shopper,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let customer = match signed_in_customer(&state, &shopper, "/account/password").await? {
        Ok(customer) => customer,
        Err(to_sign_in) => return Ok(to_sign_in),
    };
    let refuse = |errors: FieldErrors, status: StatusCode| {
        password_page(&state, &shopper, &customer, errors, status)
    };
    if !csrf_ok(&shopper, &form.csrf_token).await? {
        return refuse(FieldErrors::one("form", EXPIRED), StatusCode::FORBIDDEN).await;
    }
    if form.new_password != form.new_password_confirm {
        let errors = FieldErrors::one(
            "new_password_confirm",
            "The two new passwords are not the same.",
        );
        return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = state
        .shop
        .accounts
        .change_customer_password(&customer, &form.current_password, &form.new_password)
        .await;
    let errors = match result {
        Ok(()) => {
            renew_after_password_change(&state, &shopper.session, customer.id).await?;
            tracing::info!(customer = %customer.id, "a customer changed their password");
            flash(&shopper.session, "Your password is changed.").await?;
            return Ok(see_other("/account", None));
        }
        Err(ShopError::WrongPassword) => {
            FieldErrors::one("password", "Your current password is not right.")
        }
        Err(ShopError::Invalid { detail, .. }) => {
            FieldErrors::one("new_password", capitalized(&detail))
        }
        Err(ShopError::Busy { .. }) => {
            return refuse(
                FieldErrors::one("form", BUSY),
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
        Err(other) => return Err(PageError(other.into())),
    };
    refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await
}
