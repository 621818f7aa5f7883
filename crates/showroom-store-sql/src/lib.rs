#![doc = include_str!("../README.md")]

mod accounts;
mod assets;
mod carts;
mod categories;
mod checkout;
mod dashboard;
mod dialect;
mod discounts;
mod error;
mod facets;
mod filters;
mod import;
mod jobs;
mod listing;
mod media;
mod order_list;
mod order_rows;
mod order_state;
mod order_stock;
mod outbox;
mod pool;
mod products;
mod read;
mod refunds;
mod rows;
mod search;
mod search_terms;
mod sessions;
mod shared_keys;
mod sql;
mod validate;
mod variants;

pub use dialect::Dialect;
pub use pool::{install_drivers, SqlCatalog};
pub use search::search_words;
pub use search_terms::SearchTerm;
