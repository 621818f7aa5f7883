//! Assembles the router and its middleware stack. Path groups are separate routers (`/api`,
//! `/assets`, pages, operations) so a load balancer can route them apart. Layers, outermost first:
//! request id → trace span → Host check → panic catcher → metrics → shield → deadline →
//! declared body size → body limit → compression → cache policy → asset base URL → (CORS, on
//! the API and asset routes only) → router.

use std::time::Duration;

use axum::http::HeaderName;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::delivery;
use crate::error::ApiError;
use crate::middleware::{admin_auth, content_length, csrf, host, panic, request_metrics, timeout};
use crate::openapi::ApiDoc;
use crate::routes::{
    account, admin_assets, admin_catalog, admin_catalog_file, admin_discounts, admin_inventory,
    admin_orders, admin_uploads, assets, cart, checkout, ops, payments, staff, storefront,
};
use crate::sessions;
use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The documented routers (API, assets, operations) and the document generated from them.
pub(crate) fn api_routers() -> (Router<AppState>, OpenApiDoc, Router<AppState>) {
    let admin = OpenApiRouter::new()
        .merge(staff::admin_router())
        .merge(admin_catalog::router())
        .merge(admin_discounts::router())
        .merge(admin_inventory::router())
        .merge(admin_orders::router())
        .merge(admin_assets::router())
        // Uploads stream past the JSON body limit; their own limit is enforced while streaming.
        .merge(admin_uploads::router().layer(axum::extract::DefaultBodyLimit::disable()))
        .merge(admin_catalog_file::router().layer(axum::extract::DefaultBodyLimit::disable()));
    let (admin_router, admin_doc) = admin.split_for_parts();
    let (public_router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(storefront::router())
        .merge(checkout::router())
        .merge(payments::router())
        .merge(account::router())
        .merge(staff::login_router())
        .merge(cart::router())
        .merge(assets::router())
        .merge(ops::router())
        .split_for_parts();
    doc.merge(admin_doc);
    crate::openapi::document_shield_responses(&mut doc);
    (public_router, doc, admin_router)
}

/// Unknown API and asset paths get problem+json; anything else is a page address, so a person
/// sees the HTML 404 page.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/assets/") || path == "/api" {
        ApiError::NotFound { what: "route" }.into_response()
    } else {
        crate::pages::errors::not_found_page()
    }
}

pub fn router(state: AppState) -> Router {
    let (public_router, doc, admin_router) = api_routers();
    let admin_router = admin_router.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        admin_auth::require_admin,
    ));
    let document = std::sync::Arc::new(doc);
    let request_timeout: Duration = state.settings.request_timeout;
    let body_limit = state.settings.body_limit_bytes.max(1);
    // The shield (showroom-shield) runs inside the request span, so its blocks are logged with
    // the request id, and outside the deadline; `None` when `shield.enabled = false`.
    let shield = state.shield.clone();

    let api = Router::new()
        .merge(public_router)
        .merge(admin_router)
        .route(
            "/api/openapi.json",
            get(move || async move { Json(document.as_ref().clone()) }),
        )
        // Inside the session layer: CSRF needs the session, the admin guard may use it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::require_csrf_token,
        ))
        .layer(sessions::layer(
            state.sessions.clone(),
            time::Duration::try_from(state.settings.session_inactivity)
                .unwrap_or(time::Duration::days(14)),
        ))
        .layer(axum::middleware::from_fn(sessions::store_failure::api))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.always_secure_cookies,
            sessions::secure_cookie::mark_secure_over_https,
        ));
    // Pages share the session layer (the cart, checkout and account pages use it; catalog pages
    // only read it when the shopper already has a session cookie) but not the API's CSRF header
    // rule: page forms carry their token in a field, checked by the form handlers.
    let pages = crate::pages::router()
        .layer(sessions::layer(
            state.sessions.clone(),
            time::Duration::try_from(state.settings.session_inactivity)
                .unwrap_or(time::Duration::days(14)),
        ))
        .layer(axum::middleware::from_fn(sessions::store_failure::pages))
        .layer(axum::middleware::from_fn_with_state(
            state.settings.always_secure_cookies,
            sessions::secure_cookie::mark_secure_over_https,
        ));
    let app = delivery::with_cors(api, &state.delivery)
        .merge(pages)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.delivery.clone(),
            delivery::traffic::count_asset_bytes,
        ));
    delivery::with_response_layers(app, &state.delivery)
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            body_limit,
            content_length::refuse_declared_oversize,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                    let request_id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(axum::middleware::from_fn(host::require_valid_host))
                .layer(CatchPanicLayer::custom(panic::panic_to_problem))
                .layer(axum::middleware::from_fn(request_metrics::record_request_metrics))
                .option_layer(shield)
                .layer(axum::middleware::from_fn_with_state(request_timeout, timeout::request_deadline)),
        )
        .with_state(state)
}
