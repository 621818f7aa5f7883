//! The merchant's back office at `/admin`: server-rendered pages on the same templates, static
//! files and small-JavaScript approach as the storefront, and on the same use cases as the admin
//! API. A guided tour:
//!
//! - [`signed_in`] is who is at the keyboard: a member of staff whose session is checked against
//!   the store on **every** request (a deactivated member is signed out at once), with the role
//!   rules of the admin API ([`crate::principal::Permission`]) applied to every page and form;
//!   [`sign_in`] is the way in and out;
//! - [`csrf`] is the one layer that checks the session's CSRF token on every write under
//!   `/admin` (form field, header, or the first part of an upload);
//! - [`form`] reads form bodies and turns refusals into a message next to their field;
//!   [`layout`] is the shared chrome (navigation by role, the one-shot flash message);
//!   [`confirm`] is the confirmation page every destructive action passes through;
//! - the sections: [`dashboard`] (figures and inline-SVG [`charts`]), [`products`],
//!   [`product_edit`] and [`variants`], [`categories`], [`models`] and [`model_page`] (3D upload,
//!   processing and the asset report read by [`model_report`]), [`orders`] with [`order_actions`] and
//!   [`orders_csv`], [`discounts`], [`staff`] and [`tokens`].
//!
//! Every form works without JavaScript: a valid POST answers `303 See Other` to the page that
//! shows its result (POST → redirect → GET); a refused one re-renders the form with what was
//! typed and the message next to the field, with a 4xx status. `web/js/admin/` only enhances
//! (upload progress, live processing progress, the 3D preview).

mod allowed;
mod categories;
mod charts;
mod confirm;
pub mod csrf;
mod dashboard;
mod discounts;
pub mod form;
mod layout;
mod model_page;
mod model_report;
mod models;
mod named;
mod order_actions;
mod orders;
mod orders_csv;
mod product_edit;
mod product_form;
mod products;
mod sign_in;
pub mod signed_in;
mod staff;
mod tokens;
mod variants;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// Every `/admin` route, behind the CSRF layer. Sessions come from the pages router around it.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard::page))
        .route("/admin/login", get(sign_in::form).post(sign_in::submit))
        .route("/admin/logout", post(sign_in::sign_out))
        .route(
            "/admin/products",
            get(products::list).post(products::create),
        )
        .route("/admin/products/new", get(products::new_form))
        .route(
            "/admin/products/{id}",
            get(product_edit::page).post(product_edit::save),
        )
        .route(
            "/admin/products/{id}/status",
            get(product_edit::confirm_status).post(product_edit::set_status),
        )
        .route("/admin/products/{id}/variants", post(variants::add))
        .route(
            "/admin/products/{id}/variants/grid",
            post(variants::save_grid),
        )
        .route(
            "/admin/products/{id}/variants/{variant}/stock",
            post(variants::adjust_stock),
        )
        .route(
            "/admin/products/{id}/model",
            get(models::page)
                .post(models::upload)
                // Uploads stream past the form body limit; their own limit applies while
                // streaming, as on the API's upload route.
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/admin/products/{id}/model/{hash}", get(model_page::report))
        .route(
            "/admin/products/{id}/model/{hash}/attach",
            post(model_page::attach),
        )
        .route(
            "/admin/products/{id}/model/{hash}/looks",
            post(model_page::save_looks),
        )
        .route(
            "/admin/products/{id}/model/{hash}/reprocess",
            post(model_page::reprocess),
        )
        .route(
            "/admin/categories",
            get(categories::page).post(categories::create),
        )
        .route("/admin/categories/{id}", post(categories::update))
        .route("/admin/orders", get(orders::list))
        .route("/admin/orders.csv", get(orders_csv::export))
        .route("/admin/orders/{id}", get(orders::detail))
        .route(
            "/admin/orders/{id}/fulfil",
            get(order_actions::confirm_fulfil).post(order_actions::fulfil),
        )
        .route(
            "/admin/orders/{id}/cancel",
            get(order_actions::confirm_cancel).post(order_actions::cancel),
        )
        .route(
            "/admin/orders/{id}/refund",
            get(order_actions::confirm_refund).post(order_actions::refund),
        )
        .route(
            "/admin/discounts",
            get(discounts::page).post(discounts::create),
        )
        .route(
            "/admin/discounts/{code}/switch-off",
            get(discounts::confirm_switch_off).post(discounts::switch_off),
        )
        .route("/admin/staff", get(staff::page).post(staff::add))
        .route("/admin/staff/{id}/role", post(staff::change_role))
        .route(
            "/admin/staff/{id}/access",
            get(staff::confirm_access).post(staff::set_access),
        )
        .route("/admin/tokens", get(tokens::page).post(tokens::create))
        .route(
            "/admin/tokens/{id}/revoke",
            get(tokens::confirm_revoke).post(tokens::revoke),
        )
        .layer(axum::middleware::from_fn(csrf::require_form_token))
}
