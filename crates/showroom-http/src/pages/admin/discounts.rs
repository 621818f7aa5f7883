//! Discount codes (admins only, as in the API): the list with how often each was used, a form to
//! create one (a percentage or a fixed amount, a minimum subtotal, an expiry date, a usage
//! limit — parsed by the admin API's own rules), and switching one off through a confirmation.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use showroom_domain::DiscountValue;
use showroom_store::DiscountRecord;

use super::allowed::{Allowed, Discounts};
use super::confirm::{confirmation_page, Confirmation};
use super::form::{parse_amount, parse_percent, top_field, FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::errors::PageError;
use crate::pages::format;
use crate::routes::admin_discounts::{discount, NewDiscountInput};
use crate::routes::input::MoneyInput;
use crate::state::AppState;

pub struct DiscountRow {
    pub code: String,
    pub value: String,
    pub minimum: String,
    pub expires: String,
    pub limit: String,
    pub used: u32,
    pub active: bool,
}

impl From<DiscountRecord> for DiscountRow {
    fn from(record: DiscountRecord) -> Self {
        let discount = &record.discount;
        Self {
            code: discount.code().as_str().to_owned(),
            value: match discount.value() {
                DiscountValue::Percentage(rate) => {
                    format!("{} % off", trim_zeros(f64::from(rate.get()) / 100.0))
                }
                DiscountValue::Fixed(money) => format!("{} off", format::money(money)),
            },
            minimum: discount
                .minimum_subtotal()
                .map(format::money)
                .unwrap_or_else(|| "—".into()),
            expires: discount
                .expires_at()
                .map(|t| super::orders::date_time(t.0.saturating_mul(1000)))
                .unwrap_or_else(|| "Never".into()),
            limit: discount
                .usage_limit()
                .map(|l| l.to_string())
                .unwrap_or_else(|| "No limit".into()),
            used: record.times_used,
            active: record.active,
        }
    }
}

fn trim_zeros(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The creation form as typed.
#[derive(Default)]
pub struct DiscountForm {
    pub code: String,
    pub kind: String,
    pub percent: String,
    pub amount: String,
    pub minimum: String,
    pub expires: String,
    pub usage_limit: String,
}

impl DiscountForm {
    fn from_form(form: &FormData) -> Self {
        Self {
            code: form.get("code").to_owned(),
            kind: form.get("kind").to_owned(),
            percent: form.get("percent").to_owned(),
            amount: form.get("amount").to_owned(),
            minimum: form.get("minimum").to_owned(),
            expires: form.get("expires").to_owned(),
            usage_limit: form.get("usage_limit").to_owned(),
        }
    }

    /// The admin API's input for this form.
    fn input(&self, state: &AppState) -> Result<NewDiscountInput, Refusal> {
        let currency = state.shop.currency();
        let money = |raw: &str, field: &str| -> Result<MoneyInput, Refusal> {
            let amount_minor = parse_amount(raw, currency).map_err(|m| Refusal::field(field, m))?;
            Ok(MoneyInput {
                amount_minor,
                currency: currency.code().to_owned(),
            })
        };
        let (percent_basis_points, amount) = match self.kind.as_str() {
            "fixed" => (None, Some(money(&self.amount, "amount")?)),
            _ => (
                Some(parse_percent(&self.percent).map_err(|m| Refusal::field("percent", m))?),
                None,
            ),
        };
        let minimum_subtotal = match self.minimum.trim() {
            "" => None,
            typed => Some(money(typed, "minimum")?),
        };
        let expires_at = match self.expires.trim() {
            "" => None,
            typed => Some(format!("{}T23:59:59Z", calendar_date(typed)?)),
        };
        let usage_limit = match self.usage_limit.trim() {
            "" => None,
            typed => Some(
                typed
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        Refusal::field(
                            "usage_limit",
                            "A usage limit is a whole number of orders, 1 or more",
                        )
                    })?,
            ),
        };
        Ok(NewDiscountInput {
            code: self.code.trim().to_owned(),
            percent_basis_points,
            amount,
            minimum_subtotal,
            expires_at,
            usage_limit,
        })
    }
}

/// A date input's value (`2027-01-31`), checked against the calendar.
fn calendar_date(typed: &str) -> Result<time::Date, Refusal> {
    let refused = || Refusal::field("expires", "Pick a date, like 2027-01-31");
    let mut parts = typed.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(refused());
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(refused)?;
    let day = u8::try_from(day).map_err(|_| refused())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| refused())
}

#[derive(Template)]
#[template(path = "admin/discounts.html")]
struct DiscountsPage {
    chrome: AdminChrome,
    rows: Vec<DiscountRow>,
    form: DiscountForm,
    errors: FieldErrors,
    currency: &'static str,
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    form: DiscountForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rows = state
        .catalog
        .list_discounts()
        .await?
        .into_iter()
        .map(DiscountRow::from)
        .collect();
    let page = DiscountsPage {
        chrome: AdminChrome::new(user, "Discount codes", "/admin/discounts").await?,
        rows,
        form,
        errors,
        currency: state.shop.currency().code(),
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, user: Allowed<Discounts>) -> Reply {
    let form = DiscountForm {
        kind: "percentage".into(),
        ..DiscountForm::default()
    };
    Ok(render(&state, &user, form, FieldErrors::default(), StatusCode::OK).await?)
}

/// The API's field names → this form's.
fn form_field(path: &str) -> String {
    match top_field(path).as_str() {
        "percent_basis_points" => "percent".into(),
        "minimum_subtotal" => "minimum".into(),
        "expires_at" => "expires".into(),
        other => other.into(),
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: Allowed<Discounts>,
    form: FormData,
) -> Reply {
    let typed = DiscountForm::from_form(&form);
    let created = async {
        let new = discount(&state, typed.input(&state)?)?;
        Ok::<_, Refusal>(state.catalog.create_discount(new).await?)
    }
    .await;
    match created {
        Ok(record) => {
            let flash = Flash::ok(format!(
                "Code {} is live: shoppers can use it at checkout.",
                record.discount.code().as_str()
            ));
            Ok(done(&user, flash, "/admin/discounts").await?)
        }
        Err(refusal) => {
            let (status, errors) = refusal.into_errors_beside(form_field, "code")?;
            Ok(render(&state, &user, typed, errors, status).await?)
        }
    }
}

pub async fn confirm_switch_off(Named(user, record): Named<DiscountRecord>) -> Reply {
    let code = record.discount.code().as_str().to_owned();
    let confirm = Confirmation {
        title: format!("Switch off {code}?"),
        lines: vec![
            "Checkouts refuse it from now on, as if it did not exist; orders that used it keep their discount.".into(),
            format!("It was used {} time(s).", record.times_used),
        ],
        action: format!("/admin/discounts/{code}/switch-off"),
        carried: Vec::new(),
        button: "Switch it off".into(),
        tone: "danger",
        back: "/admin/discounts".into(),
    };
    Ok(confirmation_page(&user, "/admin/discounts", confirm).await?)
}

pub async fn switch_off(
    State(state): State<AppState>,
    Named(user, record): Named<DiscountRecord>,
) -> Reply {
    let code = record.discount.code().clone();
    state
        .catalog
        .set_discount_active(&code, false)
        .await
        .map_err(PageError::from)?;
    let flash = Flash::ok(format!("Code {} is switched off.", code.as_str()));
    Ok(done(&user, flash, "/admin/discounts").await?)
}
