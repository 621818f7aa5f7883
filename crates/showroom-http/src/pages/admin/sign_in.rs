//! Signing in and out of the back office with the staff session the admin API already uses:
//! the same throttled password check (per account and per client IP, shared by every instance),
//! the session id and CSRF token rotated at sign-in, the session deleted at sign-out. Wrong
//! email and wrong password get the same words; a deactivated member cannot sign in.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use showroom_domain::Email;
use showroom_shield::ClientIp;
use showroom_shop::ShopError;
use tower_sessions::Session;
use uuid::Uuid;

use super::form::FormData;
use super::layout::{page_with_status, AdminChrome};
use super::signed_in::safe_next;
use crate::pages::errors::PageError;
use crate::routes::account::client_ip;
use crate::sessions::STAFF_ID;
use crate::shopper::{csrf_token, end_session, session_failed, start_account_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/sign_in.html")]
struct SignInPage {
    chrome: AdminChrome,
    next: String,
    email: String,
    notice: Option<&'static str>,
    problem: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    ended: Option<String>,
    signed_out: Option<String>,
}

async fn render(
    session: &Session,
    status: StatusCode,
    next: String,
    email: String,
    notice: Option<&'static str>,
    problem: Option<String>,
) -> Result<Response, PageError> {
    let csrf = csrf_token(session).await?;
    let page = SignInPage {
        chrome: AdminChrome::anonymous("Sign in", csrf),
        next,
        email,
        notice,
        problem,
    };
    page_with_status(status, &page)
}

/// The sign-in form; someone already signed in goes straight on.
pub async fn form(
    session: Session,
    Query(query): Query<SignInQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(query.next.as_deref());
    let signed_in = session
        .get::<Uuid>(STAFF_ID)
        .await
        .map_err(session_failed)?
        .is_some();
    if signed_in && query.ended.is_none() {
        return Ok(Redirect::to(&next).into_response());
    }
    let notice = if query.ended.is_some() {
        Some("Your session ended, or your access to the back office was switched off. Sign in again to go on.")
    } else if query.signed_out.is_some() {
        Some("You are signed out.")
    } else {
        None
    };
    render(&session, StatusCode::OK, next, String::new(), notice, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    ip: Option<Extension<ClientIp>>,
    form: FormData,
) -> Result<Response, PageError> {
    let next = safe_next(form.opt("next"));
    let typed = form.get("email").trim().to_owned();
    let Ok(email) = Email::parse(&typed) else {
        let problem = "Enter your email address, like name@example.com.".to_owned();
        return render(
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            next,
            typed,
            None,
            Some(problem),
        )
        .await;
    };
    let result = state
        .shop
        .accounts
        .login_staff(&email, form.get("password"), client_ip(ip))
        .await;
    let (status, problem) = match result {
        Ok(member) => {
            start_account_session(&state, &session, STAFF_ID, member.id).await?;
            tracing::info!(staff = %member.id, "staff signed in to the back office");
            return Ok(Redirect::to(&next).into_response());
        }
        Err(ShopError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            "The email or the password is not right.".to_owned(),
        ),
        Err(ShopError::Throttled { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins. For your safety, try again in {} minute(s).",
                retry_after_secs.div_ceil(60)
            ),
        ),
        Err(error) => return Err(PageError(error.into())),
    };
    render(&session, status, next, typed, None, Some(problem)).await
}

/// Ends the session (its record is deleted) and shows the sign-in page.
pub async fn sign_out(session: Session) -> Result<Response, PageError> {
    end_session(&session).await?;
    Ok(Redirect::to("/admin/login?signed_out=1").into_response())
}
