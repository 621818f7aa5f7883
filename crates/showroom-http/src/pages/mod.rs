//! The storefront's HTML pages, rendered on the server from askama templates
//! (`crates/showroom-http/templates/`) compiled into the binary. A guided tour:
//!
//! - [`chrome`] is what every page's layout needs (title, description, canonical URL, Open
//!   Graph, JSON-LD, navigation) and the absolute URLs built from `public_url`;
//! - [`render`] turns a template into a response with its cache policy; [`errors`] renders 404,
//!   400, 500 and 503 as pages;
//! - [`catalog`] (home, category, search) with [`listing`] (the filter form) and [`cards`];
//! - [`product`] (the product page) with [`model_facts`] (what the asset report says about the
//!   model), [`camera`] (the poster's camera for the viewer), [`format`] and
//!   [`structured_data`];
//! - [`account`] (sign in, register, sign out, password) and [`account_orders`] (the order
//!   history and one order), on the same account use cases and session rules as the API;
//! - [`seo`] (`robots.txt`, `sitemap.xml`) and [`static_files`] (`web/` under hashed URLs);
//! - [`admin`]: the merchant's back office at `/admin`, on the same templates and static files.
//!
//! Every page works without JavaScript: links and GET forms for browsing, POST → redirect → GET
//! forms for the cart, checkout and account. Our scripts (`web/js`) only enhance.

mod account;
mod account_orders;
mod account_password;
pub mod admin;
pub mod camera;
mod cards;
mod cart;
mod catalog;
mod checkout;
pub mod chrome;
pub mod errors;
mod facets;
pub mod format;
mod forms;
mod listing;
pub mod model_facts;
mod product;
pub mod render;
mod seo;
pub mod static_files;
mod structured_data;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// State the pages keep per process.
#[derive(Default)]
pub struct PageState {
    pub facts: model_facts::FactsCache,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(catalog::home))
        .route("/c/{slug}", get(catalog::category))
        .route("/search", get(catalog::search))
        .route("/products/{slug}", get(product::product_page))
        .route("/cart", get(cart::cart_page))
        .route("/cart/add", post(cart::add))
        .route("/cart/update", post(cart::update))
        .route("/cart/remove", post(cart::remove))
        .route(
            "/checkout",
            get(checkout::checkout_page).post(checkout::place_order),
        )
        .route("/orders/{id}", get(checkout::order_page))
        .route("/account", get(account_orders::overview))
        .route("/account/orders/{id}", get(account_orders::order))
        .route(
            "/account/login",
            get(account::login_form).post(account::login),
        )
        .route(
            "/account/register",
            get(account::register_form).post(account::register),
        )
        .route("/account/logout", post(account::logout))
        .route(
            "/account/password",
            get(account_password::password_form).post(account_password::change_password),
        )
        .route("/robots.txt", get(seo::robots))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/static/{hash}/{*path}", get(static_files::serve))
        .merge(admin::router())
}
