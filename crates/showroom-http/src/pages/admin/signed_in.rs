//! [`SignedIn`]: the member of staff behind a back-office request. Every page and form handler
//! takes it, so no handler can forget the check:
//!
//! - no staff session → `303` to `/admin/login?next=<this page>`;
//! - the session names a member who no longer exists or was deactivated → the session is ended
//!   there and then (its record deleted) and the browser sent to the sign-in page: deactivating
//!   someone signs them out at once, on every instance, because the member is read from the store
//!   on every request rather than trusted from the session;
//! - a member whose role does not cover the area ([`SignedIn::require`], the admin API's own
//!   [`Permission`] rules) gets a `403` page, and the navigation never shows them the link.
//!
//! Sessions are the storefront's cookie sessions (`showroom_session`, `HttpOnly`,
//! `SameSite=Lax`); API tokens and the bootstrap token are for the API, not for these pages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use showroom_store::StaffMember;
use tower_sessions::Session;
use uuid::Uuid;

use super::layout::message_page;
use crate::pages::errors::PageError;
use crate::principal::{Permission, Principal};
use crate::sessions::{ADMIN_FLASH, STAFF_ID};
use crate::shopper::{csrf_token, session_failed};
use crate::state::AppState;

/// A signed-in, active member of staff, with the session's CSRF token for the page's forms.
pub struct SignedIn {
    pub member: StaffMember,
    pub session: Session,
    pub csrf: String,
}

/// The one-shot message shown on the page after a form: what happened, and (once only) a secret
/// such as a new API token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `ok` or `error`: the CSS class and the ARIA role follow it.
    pub kind: String,
    pub text: String,
    #[serde(default)]
    pub secret: Option<String>,
}

impl Flash {
    pub fn ok(text: impl Into<String>) -> Self {
        Self {
            kind: "ok".into(),
            text: text.into(),
            secret: None,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            kind: "error".into(),
            text: text.into(),
            secret: None,
        }
    }
}

/// Where the sign-in page sends someone back to: only a back-office path of this site.
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(path)
            if (path == "/admin" || path.starts_with("/admin/") || path.starts_with("/admin?"))
                && !path.contains("//")
                && !path.contains('\\')
                && path.chars().all(|c| !c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

fn to_sign_in(parts: &Parts, ended: bool) -> Response {
    let mut target = String::from("/admin/login");
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if parts.method == Method::GET {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/admin");
        query.append_pair("next", &safe_next(Some(here)));
    }
    if ended {
        query.append_pair("ended", "1");
    }
    let query = query.finish();
    if !query.is_empty() {
        target.push('?');
        target.push_str(&query);
    }
    Redirect::to(&target).into_response()
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let page_error = |e: crate::error::ApiError| PageError(e).into_response();
        let staff_id = session
            .get::<Uuid>(STAFF_ID)
            .await
            .map_err(|e| page_error(session_failed(e)))?;
        let Some(staff_id) = staff_id else {
            return Err(to_sign_in(parts, false));
        };
        let member = state
            .catalog
            .staff_member(staff_id)
            .await
            .map_err(|e| page_error(e.into()))?;
        match member {
            Some(member) if member.active => {
                let csrf = csrf_token(&session).await.map_err(page_error)?;
                Ok(Self {
                    member,
                    session,
                    csrf,
                })
            }
            _ => {
                session
                    .flush()
                    .await
                    .map_err(|e| page_error(session_failed(e)))?;
                Err(to_sign_in(parts, true))
            }
        }
    }
}

impl SignedIn {
    pub fn principal(&self) -> Principal {
        Principal::Staff {
            id: self.member.id,
            role: self.member.role,
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.principal().may(permission)
    }

    /// `Err` is the 403 page for an area this member's role does not cover.
    #[expect(
        clippy::result_large_err,
        reason = "the refusal is the page to send, built once per refused request"
    )]
    pub fn require(&self, permission: Permission) -> Result<(), Response> {
        if self.may(permission) {
            return Ok(());
        }
        Err(message_page(
            StatusCode::FORBIDDEN,
            Some(self),
            "Not part of your role",
            "This part of the back office is for admins. Ask an admin of the shop if you need it.",
        ))
    }

    /// Leaves a message for the next page this member sees.
    pub async fn flash(&self, flash: Flash) -> Result<(), PageError> {
        self.session
            .insert(ADMIN_FLASH, flash)
            .await
            .map_err(|e| PageError(session_failed(e)))
    }

    /// Takes the message left by the last form, if any (it is shown once).
    pub async fn take_flash(&self) -> Result<Option<Flash>, PageError> {
        self.session
            .remove::<Flash>(ADMIN_FLASH)
            .await
            .map_err(|e| PageError(session_failed(e)))
    }
}

/// `303 See Other` to `location` after `flash`: the end of every successful form.
pub async fn done(user: &SignedIn, flash: Flash, location: &str) -> Result<Response, PageError> {
    user.flash(flash).await?;
    Ok(Redirect::to(location).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_back_office_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/admin/orders?state=paid")),
            "/admin/orders?state=paid"
        );
        assert_eq!(safe_next(Some("/admin")), "/admin");
        for hostile in [
            "https://evil.example/admin",
            "//evil.example/admin",
            "/admin//evil.example",
            "/administrator",
            "/\\evil.example",
            "/cart",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/admin", "{hostile}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
