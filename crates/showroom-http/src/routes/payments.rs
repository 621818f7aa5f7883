//! `POST /api/v1/payments/webhook`: where the payment provider reports on payments. The raw body
//! and headers go to the provider's signature check untouched (a re-serialized body would not
//! verify); the logic lives in the shop ([`showroom_shop::payment_webhook`]).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use showroom_shop::WebhookOutcome as Outcome;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(payment_webhook))
}

/// What a verified webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    Paid,
    Released,
    RefundedLatePayment,
    AlreadyRecorded,
    UnknownPayment,
    Ignored,
}

impl From<Outcome> for WebhookOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Paid => Self::Paid,
            Outcome::Released => Self::Released,
            Outcome::RefundedLatePayment => Self::RefundedLatePayment,
            Outcome::AlreadyRecorded => Self::AlreadyRecorded,
            Outcome::UnknownPayment => Self::UnknownPayment,
            Outcome::Ignored => Self::Ignored,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAck {
    pub received: bool,
    pub outcome: WebhookOutcome,
}

/// Receives the payment provider's signed notices (`payment_intent.succeeded`,
/// `payment_intent.payment_failed`). No login: the provider's signature is the proof.
#[utoipa::path(post, path = "/api/v1/payments/webhook", tag = "checkout",
    request_body(content = String, description = "The provider's event, exactly as it signed it", content_type = "application/json"),
    responses(
        (status = 200, description = "Verified and applied (or already applied)", body = WebhookAck),
        (status = 400, description = "The signature does not verify or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "A late payment could not be refunded; the provider should resend", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn payment_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let outcome = state
        .shop
        .checkout
        .handle_payment_webhook(&headers, &body)
        .await?;
    let ack = WebhookAck {
        received: true,
        outcome: outcome.into(),
    };
    Ok(axum::Json(ack).into_response())
}
