//! The orders desk: the list (state filter, search by order number or email, newest first,
//! pages by number, a CSV export of the same filter) and an order's page (lines, totals, the
//! customer and address, its history, refunds and the mail sent), with the actions its state
//! allows — fulfil, cancel, refund — each through a confirmation ([`super::order_actions`]).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use showroom_domain::OrderState;
use showroom_store::{Actor, Order, OrderQuery};
use uuid::Uuid;

use super::allowed::{Allowed, Orders};
use super::form::FieldErrors;
use super::layout::{page_with_status, AdminChrome, Reply};
use super::named::Named;
use super::signed_in::SignedIn;
use crate::pages::errors::PageError;
use crate::pages::format;
use crate::routes::params::parse_order_query;
use crate::state::AppState;

/// `2025-12-03 17:50 UTC` for Unix milliseconds.
pub fn date_time(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| {
            format!(
                "{}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// A state as merchants say it.
pub fn state_label(state: OrderState) -> &'static str {
    match state {
        OrderState::PendingPayment => "Awaiting payment",
        OrderState::Paid => "Paid",
        OrderState::Fulfilled => "Shipped",
        OrderState::Cancelled => "Cancelled",
        OrderState::PartiallyRefunded => "Partly refunded",
        OrderState::Refunded => "Refunded",
    }
}

pub struct OrderRow {
    pub href: String,
    pub number: String,
    pub placed: String,
    pub email: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub items: i64,
    pub total: String,
}

impl From<&Order> for OrderRow {
    fn from(order: &Order) -> Self {
        Self {
            href: format!("/admin/orders/{}", order.id),
            number: order.number.to_string(),
            placed: date_time(order.created_at),
            email: order.email.as_typed().to_owned(),
            state: order.state.as_str(),
            state_label: state_label(order.state),
            items: order
                .lines
                .iter()
                .map(|l| i64::from(l.quantity.get()))
                .sum(),
            total: format::money(order.totals.grand_total),
        }
    }
}

pub struct StateChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/orders.html")]
struct ListPage {
    chrome: AdminChrome,
    q: String,
    states: Vec<StateChoice>,
    rows: Vec<OrderRow>,
    next_href: Option<String>,
    first_href: Option<String>,
    csv_href: String,
    problem: Option<String>,
}

fn param(raw: &str, name: &str) -> String {
    url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The filter of the list as a query string (`state`, `q`), without the page.
pub fn filter_query(raw: &str) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for name in ["state", "q"] {
        let value = param(raw, name);
        if !value.is_empty() {
            params.append_pair(name, &value);
        }
    }
    params.finish()
}

/// The list's query: the API's parser, on the filter and page only (an empty `state` is every
/// state).
pub fn order_query(raw: &str) -> Result<OrderQuery, crate::error::ApiError> {
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    for name in ["state", "q", "before"] {
        let value = param(raw, name);
        if !value.is_empty() {
            kept.append_pair(name, &value);
        }
    }
    parse_order_query(&kept.finish())
}

pub async fn list(
    State(state): State<AppState>,
    user: Allowed<Orders>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let raw = raw.unwrap_or_default();
    let filter = filter_query(&raw);
    let selected = param(&raw, "state");
    let states = std::iter::once(("", "Every state"))
        .chain(
            OrderState::ALL
                .into_iter()
                .map(|s| (s.as_str(), state_label(s))),
        )
        .map(|(value, label)| StateChoice {
            value,
            label,
            selected: value == selected,
        })
        .collect();
    let (rows, next_href, problem, status) = match order_query(&raw) {
        Err(error) => (
            Vec::new(),
            None,
            Some(error.to_string()),
            StatusCode::BAD_REQUEST,
        ),
        Ok(mut query) => {
            query.limit = 50;
            let orders = state
                .catalog
                .list_orders(&query)
                .await
                .map_err(PageError::from)?;
            let next_href = (orders.len() == 50)
                .then(|| orders.last())
                .flatten()
                .map(|last| {
                    let join = if filter.is_empty() { "" } else { "&" };
                    format!("/admin/orders?{filter}{join}before={}", last.number)
                });
            let rows = orders.iter().map(OrderRow::from).collect();
            (rows, next_href, None, StatusCode::OK)
        }
    };
    let page = ListPage {
        chrome: AdminChrome::new(&user, "Orders", "/admin/orders").await?,
        q: param(&raw, "q"),
        states,
        rows,
        next_href,
        first_href: (!param(&raw, "before").is_empty()).then(|| format!("/admin/orders?{filter}")),
        csv_href: format!("/admin/orders.csv?{filter}"),
        problem,
    };
    Ok(page_with_status(status, &page)?)
}

pub struct LineView {
    pub title: String,
    pub sku: String,
    pub quantity: u32,
    pub unit_price: String,
    pub total: String,
}

pub struct EventView {
    pub at: String,
    pub who: String,
    pub what: String,
    pub to: &'static str,
    pub note: String,
}

pub struct RefundView {
    pub at: String,
    pub kind: &'static str,
    pub amount: String,
    pub state: &'static str,
    pub reason: String,
    pub who: String,
    pub failure: String,
}

pub struct MailView {
    pub subject: String,
    pub recipient: String,
    pub sent: String,
    pub attempts: u32,
    pub last_error: String,
}

/// The refund and fulfil forms of the order page, as typed when refused.
#[derive(Default)]
pub struct ActionForms {
    pub amount: String,
    pub reason: String,
    /// The refund's idempotency key, minted when the page is rendered: a form sent twice is one
    /// refund.
    pub key: String,
    pub tracking: String,
    pub errors: FieldErrors,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/order.html")]
struct DetailPage {
    chrome: AdminChrome,
    id: String,
    number: String,
    placed: String,
    state: &'static str,
    state_label: &'static str,
    email: String,
    address: Vec<String>,
    shipping_method: String,
    discount_code: String,
    tracking: String,
    lines: Vec<LineView>,
    subtotal: String,
    discount: String,
    shipping: String,
    tax: String,
    tax_included: bool,
    total: String,
    refunded: String,
    refundable: String,
    currency: &'static str,
    can_fulfil: bool,
    can_cancel: bool,
    can_refund: bool,
    history: Vec<EventView>,
    refunds: Vec<RefundView>,
    mail: Vec<MailView>,
    forms: ActionForms,
}

/// Who did something, as a person reads it: the member's email rather than an id.
fn who(actor: &Actor, staff: &[showroom_store::StaffMember]) -> String {
    match actor {
        Actor::Customer => "Customer".into(),
        Actor::Staff(id) => staff
            .iter()
            .find(|m| m.id == *id)
            .map(|m| m.email.as_typed().to_owned())
            .unwrap_or_else(|| "A member of staff".into()),
        Actor::ApiToken(_) => "API".into(),
        Actor::PaymentProvider => "Payment provider".into(),
        Actor::Sweeper => "Automatic (payment time ran out)".into(),
    }
}

/// A fresh refund key for the page's refund form.
pub fn new_refund_key() -> String {
    format!("admin-refund-{}", Uuid::new_v4())
}

/// The order page, with `forms` as typed (or fresh), answering `status`.
pub async fn render_detail(
    state: &AppState,
    user: &SignedIn,
    order: Order,
    mut forms: ActionForms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let history = state.catalog.order_history(order.id).await?;
    let refunds = state.catalog.refunds_for_order(order.id).await?;
    let mail = state.catalog.mail_for_order(order.id).await?;
    let staff = state.catalog.list_staff().await?;
    if forms.key.is_empty() {
        forms.key = new_refund_key();
    }
    let money = format::money;
    let currency = order.totals.grand_total.currency;
    let refundable_minor = order.totals.grand_total.amount_minor - order.refunded.amount_minor;
    let unshipped = order.tracking.is_none();
    let address = &order.shipping_address;
    let city_line = format!("{} {}", address.postal_code(), address.city());
    let page = DetailPage {
        chrome: AdminChrome::new(user, format!("Order {}", order.number), "/admin/orders").await?,
        id: order.id.to_string(),
        number: order.number.to_string(),
        placed: date_time(order.created_at),
        state: order.state.as_str(),
        state_label: state_label(order.state),
        email: order.email.as_typed().to_owned(),
        address: [
            Some(address.name()),
            Some(address.line1()),
            address.line2(),
            Some(city_line.as_str()),
            Some(address.country().as_str()),
        ]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect(),
        shipping_method: order
            .shipping_method
            .as_ref()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        discount_code: order
            .discount_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        tracking: order
            .tracking
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        lines: order
            .lines
            .iter()
            .map(|l| LineView {
                title: l.title.clone(),
                sku: l.sku.as_str().to_owned(),
                quantity: l.quantity.get(),
                unit_price: money(l.unit_price),
                total: money(l.total),
            })
            .collect(),
        subtotal: money(order.totals.subtotal),
        discount: money(order.totals.discount),
        shipping: money(order.totals.shipping),
        tax: money(order.totals.tax),
        tax_included: order.totals.price_mode == showroom_domain::PriceMode::TaxInclusive,
        total: money(order.totals.grand_total),
        refunded: money(order.refunded),
        refundable: showroom_domain::Money::new(refundable_minor, currency)
            .map(money)
            .unwrap_or_default(),
        currency: currency.code(),
        can_fulfil: matches!(
            order.state,
            OrderState::Paid | OrderState::PartiallyRefunded
        ) && unshipped,
        can_cancel: matches!(
            order.state,
            OrderState::PendingPayment | OrderState::Paid | OrderState::PartiallyRefunded
        ) && unshipped,
        can_refund: matches!(
            order.state,
            OrderState::Paid | OrderState::Fulfilled | OrderState::PartiallyRefunded
        ) && refundable_minor > 0,
        history: history
            .iter()
            .map(|e| EventView {
                at: date_time(e.at),
                who: who(&e.actor, &staff),
                what: e.what.replace('_', " "),
                to: state_label(e.to),
                note: e.note.clone().unwrap_or_default(),
            })
            .collect(),
        refunds: refunds
            .iter()
            .map(|r| RefundView {
                at: date_time(r.created_at),
                kind: r.kind.as_str(),
                amount: money(r.amount),
                state: r.state.as_str(),
                reason: r.reason.clone().unwrap_or_default(),
                who: who(&r.actor, &staff),
                failure: r.failure.clone().unwrap_or_default(),
            })
            .collect(),
        mail: mail
            .iter()
            .map(|m| MailView {
                subject: m.subject.clone(),
                recipient: m.recipient.clone(),
                sent: m.sent_at.map(date_time).unwrap_or_else(|| {
                    if m.next_attempt_at.is_some() {
                        "Queued".into()
                    } else {
                        "Given up".into()
                    }
                }),
                attempts: m.attempts,
                last_error: m.last_error.clone().unwrap_or_default(),
            })
            .collect(),
        forms,
    };
    page_with_status(status, &page)
}

pub async fn detail(State(state): State<AppState>, Named(user, order): Named<Order>) -> Reply {
    Ok(render_detail(&state, &user, order, ActionForms::default(), StatusCode::OK).await?)
}
