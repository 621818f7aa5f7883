//! Fulfil, cancel and refund from the order page. Each is a GET to a confirmation page that
//! checks the input and says what will happen, then one POST that does it — the admin API's own
//! use cases, with the member as the actor in the order's history. Each is safe to send twice:
//!
//! - a refund carries the idempotency key minted with the order page, so a double click (or a
//!   resent form) finds the refund already made instead of refunding again;
//! - a repeated fulfil or cancel finds the order already shipped or cancelled and says so.
//!
//! A refusal (the provider declined a refund, an amount above what is left, a state that does
//! not allow the step) re-renders the order page with the message and the form as typed.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use showroom_domain::{IdempotencyKey, Money, OrderState, TrackingNumber};
use showroom_store::{Actor, Order};

use super::confirm::{confirmation_page, Confirmation};
use super::form::{parse_amount, top_field, FormData, Refusal};
use super::layout::Reply;
use super::named::{Named, PathRecord};
use super::orders::{render_detail, ActionForms};
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::format;
use crate::state::AppState;
use showroom_shop::RefundRequest;

#[derive(Debug, Deserialize)]
pub struct ActionQuery {
    tracking: Option<String>,
    amount: Option<String>,
    reason: Option<String>,
    key: Option<String>,
}

fn order_href(order: &Order) -> String {
    format!("/admin/orders/{}", order.id)
}

/// Re-renders the order page with `refusal` shown on its form, `forms` as typed.
async fn refused(
    state: &AppState,
    user: &SignedIn,
    order: Order,
    mut forms: ActionForms,
    refusal: Refusal,
) -> Reply {
    let status = refusal.status();
    // A field this page has no input for (the idempotency key) is said about the whole form.
    let refusal = match refusal {
        Refusal::Field { field, message }
            if !["amount", "reason", "tracking", "tracking_number"]
                .contains(&top_field(&field).as_str()) =>
        {
            Refusal::Form { status, message }
        }
        other => other,
    };
    let rename = |path: &str| match top_field(path).as_str() {
        "tracking_number" => "tracking".to_owned(),
        other => other.to_owned(),
    };
    let (errors, problem) = refusal.into_parts(rename)?;
    forms.errors = errors;
    forms.problem = problem;
    Ok(render_detail(state, user, order, forms, status).await?)
}

pub async fn confirm_fulfil(
    State(state): State<AppState>,
    Named(user, order): Named<Order>,
    Query(query): Query<ActionQuery>,
) -> Reply {
    let typed = query.tracking.unwrap_or_default();
    let tracking = match TrackingNumber::parse(&typed) {
        Ok(tracking) => tracking,
        Err(e) => {
            let forms = ActionForms {
                tracking: typed,
                ..ActionForms::default()
            };
            return refused(&state, &user, order, forms, Refusal::field("tracking", e.0)).await;
        }
    };
    let confirm = Confirmation {
        title: format!("Mark order {} as shipped?", order.number),
        lines: vec![
            format!("Tracking number: {}.", tracking.as_str()),
            format!(
                "{} gets a mail saying the order is on its way.",
                order.email.as_typed()
            ),
        ],
        action: format!("/admin/orders/{}/fulfil", order.id),
        carried: Vec::new(),
        button: "Mark as shipped".into(),
        tone: "primary",
        back: order_href(&order),
    }
    .carry("tracking", tracking.as_str());
    Ok(confirmation_page(&user, "/admin/orders", confirm).await?)
}

pub async fn fulfil(
    State(state): State<AppState>,
    Named(user, order): Named<Order>,
    form: FormData,
) -> Reply {
    let typed = form.get("tracking").to_owned();
    let forms = ActionForms {
        tracking: typed.clone(),
        ..ActionForms::default()
    };
    let tracking = match TrackingNumber::parse(&typed) {
        Ok(tracking) => tracking,
        Err(e) => {
            return refused(&state, &user, order, forms, Refusal::field("tracking", e.0)).await
        }
    };
    match state
        .catalog
        .fulfil(order.id, tracking.clone(), Actor::Staff(user.member.id))
        .await
    {
        Ok(shipped) => {
            let flash = Flash::ok(format!("Order {} is marked as shipped.", shipped.number));
            Ok(done(&user, flash, &order_href(&shipped)).await?)
        }
        Err(error) => {
            // Sent twice: the first one shipped it with this very number.
            let now = Order::load(&state, &order.id.to_string()).await?;
            if now.tracking.as_ref() == Some(&tracking) {
                let flash = Flash::ok(format!(
                    "Order {} was already marked as shipped.",
                    now.number
                ));
                return Ok(done(&user, flash, &order_href(&now)).await?);
            }
            refused(&state, &user, now, forms, Refusal::from(error)).await
        }
    }
}

pub async fn confirm_cancel(Named(user, order): Named<Order>) -> Reply {
    let paid = order.state != OrderState::PendingPayment;
    let mut lines = vec![format!(
        "Order {} of {} for {} is cancelled for good; its items go back on the shelf.",
        order.number,
        order.email.as_typed(),
        format::money(order.totals.grand_total)
    )];
    if paid {
        let left = Money::new(
            order.totals.grand_total.amount_minor - order.refunded.amount_minor,
            order.totals.grand_total.currency,
        )
        .map(format::money)
        .unwrap_or_default();
        lines.push(format!("{left} is refunded to the customer's card first. If the payment provider refuses, nothing changes."));
    }
    let confirm = Confirmation {
        title: format!("Cancel order {}?", order.number),
        lines,
        action: format!("/admin/orders/{}/cancel", order.id),
        carried: Vec::new(),
        button: "Cancel the order".into(),
        tone: "danger",
        back: order_href(&order),
    };
    Ok(confirmation_page(&user, "/admin/orders", confirm).await?)
}

pub async fn cancel(State(state): State<AppState>, Named(user, order): Named<Order>) -> Reply {
    if order.state == OrderState::Cancelled {
        let flash = Flash::ok(format!("Order {} was already cancelled.", order.number));
        return Ok(done(&user, flash, &order_href(&order)).await?);
    }
    match state
        .shop
        .order_desk
        .cancel(order.id, Actor::Staff(user.member.id))
        .await
    {
        Ok(cancelled) => {
            let flash = Flash::ok(format!("Order {} is cancelled.", cancelled.number));
            Ok(done(&user, flash, &order_href(&cancelled)).await?)
        }
        Err(error) => {
            let now = Order::load(&state, &order.id.to_string()).await?;
            if now.state == OrderState::Cancelled {
                let flash = Flash::ok(format!("Order {} was already cancelled.", now.number));
                return Ok(done(&user, flash, &order_href(&now)).await?);
            }
            refused(
                &state,
                &user,
                now,
                ActionForms::default(),
                Refusal::from(error),
            )
            .await
        }
    }
}

/// The refund as asked: the amount in minor units (`None`: everything left) and the reason.
fn refund_amount(order: &Order, typed: &str) -> Result<Option<i64>, Refusal> {
    match typed.trim() {
        "" => Ok(None),
        raw => parse_amount(raw, order.totals.grand_total.currency)
            .map(Some)
            .map_err(|m| Refusal::field("amount", m)),
    }
}

pub async fn confirm_refund(
    State(state): State<AppState>,
    Named(user, order): Named<Order>,
    Query(query): Query<ActionQuery>,
) -> Reply {
    let forms = ActionForms {
        amount: query.amount.clone().unwrap_or_default(),
        reason: query.reason.clone().unwrap_or_default(),
        key: query.key.clone().unwrap_or_default(),
        ..ActionForms::default()
    };
    let currency = order.totals.grand_total.currency;
    let left = order.totals.grand_total.amount_minor - order.refunded.amount_minor;
    let amount = match refund_amount(&order, &forms.amount) {
        Ok(Some(minor)) if minor <= 0 => {
            Err(Refusal::field("amount", "A refund is more than zero"))
        }
        Ok(Some(minor)) if minor > left => Err(Refusal::field(
            "amount",
            format!(
                "At most {} is left to refund",
                Money::new(left, currency)
                    .map(format::money)
                    .unwrap_or_default()
            ),
        )),
        other => other,
    };
    let amount = match (amount, IdempotencyKey::parse(&forms.key)) {
        (Ok(amount), Ok(_)) => amount,
        (Err(refusal), _) => return refused(&state, &user, order, forms, refusal).await,
        (_, Err(_)) => {
            let refusal = Refusal::Form {
                status: StatusCode::BAD_REQUEST,
                message: "This refund form is out of date; it has been renewed. Check the amount and send it again.".into(),
            };
            let forms = ActionForms {
                key: String::new(),
                ..forms
            };
            return refused(&state, &user, order, forms, refusal).await;
        }
    };
    let shown = Money::new(amount.unwrap_or(left), currency)
        .map(format::money)
        .unwrap_or_default();
    let mut lines = vec![format!(
        "{shown} goes back to {}'s card through the payment provider.",
        order.email.as_typed()
    )];
    if !forms.reason.trim().is_empty() {
        lines.push(format!("Reason: {}", forms.reason.trim()));
    }
    lines.push("The customer gets a mail about it. Sending this twice refunds once.".into());
    let confirm = Confirmation {
        title: format!("Refund {shown} of order {}?", order.number),
        lines,
        action: format!("/admin/orders/{}/refund", order.id),
        carried: Vec::new(),
        button: format!("Refund {shown}"),
        tone: "danger",
        back: order_href(&order),
    }
    .carry(
        "amount_minor",
        amount.map(|a| a.to_string()).unwrap_or_default(),
    )
    .carry("reason", forms.reason.trim())
    .carry("key", forms.key.clone());
    Ok(confirmation_page(&user, "/admin/orders", confirm).await?)
}

pub async fn refund(
    State(state): State<AppState>,
    Named(user, order): Named<Order>,
    form: FormData,
) -> Reply {
    let amount_minor = form.opt("amount_minor").map(str::parse::<i64>);
    let forms = ActionForms {
        amount: String::new(),
        reason: form.get("reason").to_owned(),
        ..ActionForms::default()
    };
    let (Ok(key), Some(Ok(_)) | None) = (IdempotencyKey::parse(form.get("key")), &amount_minor)
    else {
        let refusal = Refusal::Form {
            status: StatusCode::BAD_REQUEST,
            message: "This refund form could not be read; nothing was refunded. Fill it in again."
                .into(),
        };
        return refused(&state, &user, order, forms, refusal).await;
    };
    let request = RefundRequest {
        key,
        amount_minor: amount_minor.and_then(Result::ok),
        reason: form.opt("reason").map(str::to_owned),
    };
    let actor = Actor::Staff(user.member.id);
    match state.shop.order_desk.refund(order.id, request, actor).await {
        Ok(refunded) => {
            let amount = format::money(refunded.refund.amount);
            let text = if refunded.created {
                format!("{amount} refunded to {}.", refunded.order.email.as_typed())
            } else {
                format!("This refund of {amount} was already made; nothing was refunded twice.")
            };
            Ok(done(&user, Flash::ok(text), &order_href(&refunded.order)).await?)
        }
        Err(error) => {
            let now = Order::load(&state, &order.id.to_string()).await?;
            refused(&state, &user, now, forms, Refusal::from(error)).await
        }
    }
}
