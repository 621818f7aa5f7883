//! Staff accounts (admins only, like the API's `/api/v1/admin/staff`): the members with their
//! role and access, adding a member with a first password (the password policy of every
//! account), changing a role, and switching a member's access off or on through a confirmation.
//! Switching access off signs the member out at once: every back-office request and every API
//! call reads the member from the store. The last active admin can be neither demoted nor
//! switched off (the store refuses it), so the shop can never lock itself out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use showroom_domain::Email;
use showroom_store::{StaffMember, StaffRole};
use uuid::Uuid;

use super::allowed::{Access, Allowed};
use super::confirm::{confirmation_page, Confirmation};
use super::form::{top_field, FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::orders::date_time;
use super::signed_in::{done, Flash, SignedIn};
use crate::error::FieldContext;
use crate::pages::errors::PageError;
use crate::state::AppState;

pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub active: bool,
    pub since: String,
    pub is_you: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    chrome: AdminChrome,
    rows: Vec<MemberRow>,
    new_email: String,
    new_role: String,
    errors: FieldErrors,
}

enum Typed {
    Nothing,
    New { form: FormData, errors: FieldErrors },
    Row { id: Uuid, message: String },
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    typed: Typed,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut rows: Vec<MemberRow> = state
        .catalog
        .list_staff()
        .await?
        .into_iter()
        .map(|m| MemberRow {
            id: m.id.to_string(),
            email: m.email.as_typed().to_owned(),
            role: m.role.as_str(),
            active: m.active,
            since: date_time(m.created_at),
            is_you: m.id == user.member.id,
            error: None,
        })
        .collect();
    let (mut new_email, mut new_role, mut errors) =
        (String::new(), "staff".to_owned(), FieldErrors::default());
    match typed {
        Typed::Nothing => {}
        Typed::New {
            form,
            errors: typed_errors,
        } => {
            new_email = form.get("email").to_owned();
            new_role = form.get("role").to_owned();
            errors = typed_errors;
        }
        Typed::Row { id, message } => {
            let id = id.to_string();
            if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
                row.error = Some(message);
            }
        }
    }
    let page = StaffPage {
        chrome: AdminChrome::new(user, "Staff", "/admin/staff").await?,
        rows,
        new_email,
        new_role,
        errors,
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, user: Allowed<Access>) -> Reply {
    Ok(render(&state, &user, Typed::Nothing, StatusCode::OK).await?)
}

fn role(raw: &str) -> Result<StaffRole, Refusal> {
    raw.parse::<StaffRole>()
        .map_err(|_| Refusal::field("role", "Pick a role: admin or staff"))
}

pub async fn add(State(state): State<AppState>, user: Allowed<Access>, form: FormData) -> Reply {
    let added = async {
        let email = Email::parse(form.get("email").trim()).field("email")?;
        let role = role(form.get("role"))?;
        Ok::<_, Refusal>(
            state
                .shop
                .accounts
                .create_staff(email, form.get("password"), role)
                .await?,
        )
    }
    .await;
    match added {
        Ok(member) => {
            let flash = Flash::ok(format!(
                "{} can now sign in at /admin as {}. Give them their password in person or over a channel you trust.",
                member.email.as_typed(),
                member.role.as_str()
            ));
            Ok(done(&user, flash, "/admin/staff").await?)
        }
        Err(refusal) => {
            let (status, errors) = refusal.into_errors_beside(top_field, "email")?;
            Ok(render(&state, &user, Typed::New { form, errors }, status).await?)
        }
    }
}

/// Applies a role or access change; a refusal (the last admin) is shown on the member's row.
async fn change(
    state: &AppState,
    user: &SignedIn,
    target: &StaffMember,
    role: Option<StaffRole>,
    active: Option<bool>,
    said: String,
) -> Reply {
    match state.catalog.update_staff(target.id, role, active).await {
        Ok(_) => Ok(done(user, Flash::ok(said), "/admin/staff").await?),
        Err(error) => match Refusal::from(error) {
            Refusal::Page(page) => Err(page.into()),
            Refusal::Field { message, .. } | Refusal::Form { message, .. } => {
                let typed = Typed::Row {
                    id: target.id,
                    message,
                };
                Ok(render(state, user, typed, StatusCode::CONFLICT).await?)
            }
        },
    }
}

pub async fn change_role(
    State(state): State<AppState>,
    Named(user, target): Named<StaffMember>,
    form: FormData,
) -> Reply {
    let new_role = match role(form.get("role")) {
        Ok(role) => role,
        Err(_) => {
            let typed = Typed::Row {
                id: target.id,
                message: "Pick a role: admin or staff".into(),
            };
            return Ok(render(&state, &user, typed, StatusCode::UNPROCESSABLE_ENTITY).await?);
        }
    };
    let said = format!("{} is now {}.", target.email.as_typed(), new_role.as_str());
    change(&state, &user, &target, Some(new_role), None, said).await
}

#[derive(Debug, Deserialize)]
pub struct AccessQuery {
    active: Option<String>,
}

fn wanted(raw: Option<&str>) -> Result<bool, PageError> {
    match raw {
        Some("1") => Ok(true),
        Some("0") => Ok(false),
        _ => Err(PageError::not_found()),
    }
}

pub async fn confirm_access(
    Named(user, target): Named<StaffMember>,
    Query(query): Query<AccessQuery>,
) -> Reply {
    let active = wanted(query.active.as_deref())?;
    let email = target.email.as_typed();
    let (title, mut lines, button, tone) = if active {
        (
            format!("Give {email} access again?"),
            vec![format!(
                "They can sign in again as {}.",
                target.role.as_str()
            )],
            "Give access",
            "primary",
        )
    } else {
        (
            format!("Switch off {email}'s access?"),
            vec![
                "They are signed out at once, everywhere, and cannot sign in until an admin gives access again.".to_owned(),
                "Their past actions stay in the orders' history.".to_owned(),
            ],
            "Switch off access",
            "danger",
        )
    };
    if target.id == user.member.id && !active {
        lines.push(
            "This is your own account: you will be signed out as soon as you confirm.".into(),
        );
    }
    let confirm = Confirmation {
        title,
        lines,
        action: format!("/admin/staff/{}/access", target.id),
        carried: Vec::new(),
        button: button.into(),
        tone,
        back: "/admin/staff".into(),
    }
    .carry("active", if active { "1" } else { "0" });
    Ok(confirmation_page(&user, "/admin/staff", confirm).await?)
}

pub async fn set_access(
    State(state): State<AppState>,
    Named(user, target): Named<StaffMember>,
    form: FormData,
) -> Reply {
    let active = wanted(form.opt("active"))?;
    let said = if active {
        format!("{} can sign in again.", target.email.as_typed())
    } else {
        format!(
            "{} is switched off and signed out.",
            target.email.as_typed()
        )
    };
    change(&state, &user, &target, None, Some(active), said).await
}
