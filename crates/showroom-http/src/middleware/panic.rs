//! Turns a panic inside a handler into a logged 500 problem response, so one bad request never
//! takes a connection (or the process) down with it. The panic message is logged, never sent.

use std::any::Any;

use axum::http::StatusCode;
use axum::response::Response;

use crate::error::{problem_response, ApiError};

pub fn panic_to_problem(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    let problem = ApiError::internal("handler panicked").to_problem();
    problem_response(StatusCode::INTERNAL_SERVER_ERROR, &problem)
}
