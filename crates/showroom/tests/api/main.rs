//! One integration-test binary for the whole HTTP API (see STYLE.md). Every test starts the real
//! server on port 0 with its own fresh database: SQLite in a temp dir by default, a fresh
//! PostgreSQL database when `SHOWROOM_TEST_POSTGRES_URL` is set, and a Redis cache with its own
//! key prefix when `SHOWROOM_TEST_REDIS_URL` is set. CI runs this binary both ways.

mod account_pages;
mod accounts;
mod admin_orders;
mod admin_pages;
mod admin_writes;
mod authorization;
mod bad_input;
mod browser;
mod cache;
mod cart;
mod cart_checkout;
mod catalog_api;
mod catalog_cli;
mod catalog_reads;
mod checkout;
mod checkout_orders;
mod checkout_resume;
mod delivery;
mod demo;
mod discounts;
mod form_browser;
mod hardening;
mod helpers;
mod import_cli;
mod mail;
mod openapi;
mod ops;
mod pages;
mod pipeline_fixtures;
mod refunds;
mod shared_keys;
mod shield;
mod shield_limits;
mod tax;
mod uploads;
mod uploads_refused;
mod webhooks;
