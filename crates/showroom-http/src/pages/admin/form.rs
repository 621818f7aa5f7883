//! Reading back-office forms and answering their refusals.
//!
//! - [`FormData`] is a URL-encoded body as ordered pairs (a name may repeat: scope checkboxes),
//!   read with the CSRF layer's size limit; anything else is a 400 page.
//! - [`Refusal`] is why a form was not applied, in one of three shapes: a message for one field
//!   (shown next to it, the form re-filled), a message for the whole form, or a page (404, 503,
//!   500). Every `ApiError` the shared parsers and the store produce maps onto it, so a page shows
//!   the same words the API would send, and bad input is never a 500.
//! - [`parse_amount`] reads money as merchants type it (`1,249.50`) into minor units.

use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use showroom_domain::Currency;
use showroom_shop::ShopError;

use super::csrf::FORM_LIMIT_BYTES;
use super::layout::message_page;
use crate::error::ApiError;
use crate::pages::errors::PageError;
pub use crate::pages::forms::FieldErrors;

/// A URL-encoded form body.
#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value of `name`, as typed; `""` when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name).trim()).filter(|v| !v.is_empty())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every pair whose name starts with `prefix`, with the prefix cut off.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0
            .iter()
            .filter_map(move |(n, v)| Some((n.strip_prefix(prefix)?, v.as_str())))
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Response> {
        let urlencoded = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(message_page(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                "That form could not be read",
                "The browser sent the form in a way this page does not take. Go back and send it again.",
            ));
        }
        let bytes = axum::body::to_bytes(request.into_body(), FORM_LIMIT_BYTES)
            .await
            .map_err(|_| {
                message_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    None,
                    "That form is too long",
                    "The form holds more text than the back office takes at once. Shorten it and send it again.",
                )
            })?;
        Ok(Self(
            url::form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

/// Why a form was not applied.
#[derive(Debug)]
pub enum Refusal {
    /// About one field: shown next to it.
    Field { field: String, message: String },
    /// About the form as a whole (a state conflict, a provider's refusal).
    Form { status: StatusCode, message: String },
    /// Not about the input: an error page (404, 503, 500).
    Page(PageError),
}

impl Refusal {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The status a re-rendered form answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Field { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Form { status, .. } => *status,
            Self::Page(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message as field errors, the form-wide message, or the page to show instead.
    /// `rename` maps the API's field paths (`price.amount_minor`, `options[1].values[0]`) to
    /// the form's field names.
    pub fn into_parts(
        self,
        rename: impl Fn(&str) -> String,
    ) -> Result<(FieldErrors, Option<String>), PageError> {
        let mut errors = FieldErrors::default();
        match self {
            Self::Field { field, message } => {
                errors.add(rename(&field), message);
                Ok((errors, None))
            }
            Self::Form { message, .. } => Ok((errors, Some(message))),
            Self::Page(page) => Err(page),
        }
    }

    /// The status and field errors of the re-rendered form, with a form-wide message shown next
    /// to the field `beside` (a form whose one main field it is about: a name, a code).
    pub fn into_errors_beside(
        self,
        rename: impl Fn(&str) -> String,
        beside: &str,
    ) -> Result<(StatusCode, FieldErrors), PageError> {
        let status = self.status();
        let (mut errors, problem) = self.into_parts(rename)?;
        if let Some(problem) = problem {
            errors.add(beside, problem);
        }
        Ok((status, errors))
    }
}

/// The first segment of an API field path: `price.amount_minor` → `price`,
/// `options[1].values[0]` → `options`.
pub fn top_field(path: &str) -> String {
    path.split(['.', '[']).next().unwrap_or(path).to_owned()
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Validation { field, detail } => Self::Field {
                field,
                message: capitalize(&detail),
            },
            ApiError::BadRequest {
                field: Some(field),
                detail,
                ..
            } => Self::Field {
                field,
                message: capitalize(&detail),
            },
            ApiError::Conflict {
                field: Some(field),
                detail,
            } if field != "state" => Self::Field {
                field,
                message: capitalize(&detail),
            },
            ApiError::Conflict { detail, .. } => Self::Form {
                status: StatusCode::CONFLICT,
                message: capitalize(&detail),
            },
            ApiError::BadRequest { detail, .. } => Self::Form {
                status: StatusCode::BAD_REQUEST,
                message: capitalize(&detail),
            },
            ApiError::Refused { status, detail, .. } if status.is_client_error() => Self::Form {
                status,
                message: capitalize(&detail),
            },
            ApiError::Refused { status, detail, .. }
                if status == StatusCode::BAD_GATEWAY || status == StatusCode::GATEWAY_TIMEOUT =>
            {
                Self::Form {
                    status,
                    message: capitalize(&detail),
                }
            }
            other => Self::Page(PageError(other)),
        }
    }
}

/// A use case's refusal in shop terms: next to the field it names, else for the whole form;
/// what the merchant cannot act on (a dependency down, a bug) is an error page.
impl From<ShopError> for Refusal {
    fn from(error: ShopError) -> Self {
        let status = match &error {
            ShopError::NotFound { .. } | ShopError::Unavailable { .. } | ShopError::Internal(_) => {
                return Self::Page(PageError(error.into()))
            }
            ShopError::Conflict { .. }
            | ShopError::SoldOut { .. }
            | ShopError::StockHeld { .. }
            | ShopError::CheckoutInProgress => StatusCode::CONFLICT,
            ShopError::RefundFailed { .. } => StatusCode::BAD_GATEWAY,
            ShopError::RefundPending => StatusCode::GATEWAY_TIMEOUT,
            ShopError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            ShopError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ShopError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ShopError::PaymentFailed { .. } => StatusCode::PAYMENT_REQUIRED,
            ShopError::UploadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ShopError::UnsupportedModel { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ShopError::BadUpload { .. } | ShopError::InvalidWebhook => StatusCode::BAD_REQUEST,
            ShopError::Invalid { .. } | ShopError::WrongPassword => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        };
        let message = capitalize(&error.to_string());
        match error.field() {
            Some(field) if field != "state" => Self::Field {
                field: field.to_owned(),
                message,
            },
            _ => Self::Form { status, message },
        }
    }
}

impl From<showroom_store::StoreError> for Refusal {
    fn from(error: showroom_store::StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<PageError> for Refusal {
    fn from(error: PageError) -> Self {
        Self::Page(error)
    }
}

impl IntoResponse for Refusal {
    /// A refusal outside a form that can show it: the error page, or a plain message page.
    fn into_response(self) -> Response {
        match self {
            Self::Page(page) => page.into_response(),
            Self::Field { message, .. } | Self::Form { message, .. } => message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                "That did not work",
                &message,
            ),
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why a typed decimal was refused.
#[derive(Debug, PartialEq, Eq)]
enum Decimal {
    Malformed,
    TooPrecise,
    TooLarge,
}

/// `text` (digits, at most one `.`) in units of 10^-`digits`: `12.5` with 2 digits is 1250.
fn decimal_units(text: &str, digits: u32) -> Result<i64, Decimal> {
    if text.is_empty() || text.len() > 20 {
        return Err(Decimal::Malformed);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Decimal::Malformed);
    }
    if fraction.len() > digits as usize {
        return Err(Decimal::TooPrecise);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| Decimal::TooLarge)?
    };
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<width$}", width = digits as usize)
            .parse()
            .map_err(|_| Decimal::Malformed)?
    };
    whole
        .checked_mul(10i64.pow(digits))
        .and_then(|w| w.checked_add(fraction))
        .ok_or(Decimal::TooLarge)
}

/// Money as a merchant types it, in `currency`'s minor units: `12`, `12.5`, `1,249.00`, `$12.50`.
/// Never negative; at most the currency's number of decimals.
pub fn parse_amount(raw: &str, currency: Currency) -> Result<i64, String> {
    let digits = u32::from(currency.minor_digits());
    let text: String = raw
        .trim()
        .trim_start_matches(['$', '€', '£', '¥'])
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let example = if digits == 0 { "1200" } else { "12.50" };
    match decimal_units(&text, digits) {
        Ok(minor) if minor <= showroom_domain::MAX_MINOR_UNITS => Ok(minor),
        Ok(_) | Err(Decimal::TooLarge) => Err("That amount is too large".to_owned()),
        Err(Decimal::TooPrecise) => Err(format!(
            "{} takes at most {digits} decimal places",
            currency.code()
        )),
        Err(Decimal::Malformed) => Err(format!(
            "Write an amount like {example}, without a currency sign"
        )),
    }
}

/// A percentage as typed (`10`, `12.5`, `12.5 %`) in basis points (1 % = 100), 0.01 to 100.
pub fn parse_percent(raw: &str) -> Result<u32, String> {
    let text = raw.trim().trim_end_matches('%').trim();
    match decimal_units(text, 2) {
        Ok(points) if (1..=10_000).contains(&points) => Ok(u32::try_from(points).unwrap_or(10_000)),
        Ok(_) | Err(Decimal::TooLarge) => Err("A percentage is from 0.01 to 100".to_owned()),
        Err(_) => Err("Write a percentage like 10 or 12.5".to_owned()),
    }
}

/// Minor units as an amount to put back into an input (`1249.50`), no grouping or sign.
pub fn amount_input(minor: i64, currency: Currency) -> String {
    showroom_domain::Money::new(minor, currency)
        .map(crate::pages::format::decimal)
        .unwrap_or_default()
}

/// A whole number typed into a form field.
pub fn parse_whole(raw: &str, field: &str, what: &str) -> Result<i64, Refusal> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| Refusal::field(field, format!("{what} is a whole number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_merchants_type_them() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(parse_amount("12", usd), Ok(1200));
        assert_eq!(parse_amount("12.5", usd), Ok(1250));
        assert_eq!(parse_amount(" $1,249.00 ", usd), Ok(124_900));
        assert_eq!(parse_amount(".99", usd), Ok(99));
        assert!(parse_amount("12.345", usd)
            .unwrap_err()
            .contains("2 decimal"));
        for bad in [
            "",
            "-3",
            "1e5",
            "12.5.1",
            "ten",
            ".",
            "99999999999999999999",
        ] {
            assert!(parse_amount(bad, usd).is_err(), "{bad}");
        }
        assert_eq!(parse_percent("12.5 %"), Ok(1250));
        assert_eq!(parse_percent("100"), Ok(10_000));
        for bad in ["0", "100.01", "12.555", "x"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(parse_amount("1,200", jpy), Ok(1200));
        assert!(parse_amount("12.5", jpy).is_err());
        assert_eq!(amount_input(124_950, usd), "1249.50");
    }

    #[test]
    fn api_fields_map_to_their_form_field_and_state_conflicts_to_the_form() {
        assert_eq!(top_field("price.amount_minor"), "price");
        assert_eq!(top_field("options[1].values[0]"), "options");
        assert_eq!(top_field("sku"), "sku");
        let conflict: Refusal = ApiError::Conflict {
            field: Some("state".into()),
            detail: "the order has shipped".into(),
        }
        .into();
        assert!(matches!(conflict, Refusal::Form { status, .. } if status == StatusCode::CONFLICT));
        let taken: Refusal = ApiError::Conflict {
            field: Some("sku".into()),
            detail: "sku is taken".into(),
        }
        .into();
        assert!(
            matches!(taken, Refusal::Field { ref field, ref message } if field == "sku" && message == "Sku is taken")
        );
        let down: Refusal = ApiError::Unavailable {
            detail: "db".into(),
        }
        .into();
        assert!(matches!(down, Refusal::Page(_)));
    }
}
