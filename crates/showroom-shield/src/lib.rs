#![doc = include_str!("../README.md")]

mod client_ip;
mod config;
mod decode;
mod guard;
mod headers;
mod in_flight;
mod ip_list;
mod layer;
mod list;
mod problem;
mod rate_limit;
mod report;
mod rules;
mod shield;
#[cfg(test)]
mod test_headers;

pub use client_ip::ClientIp;
pub use config::{ForwardedHeader, Mode, RateLimitConfig, RuleModes, ShieldConfig};
pub use headers::csp_with_asset_origin;
pub use ip_list::IpList;
pub use layer::{ShieldLayer, ShieldService};
pub use shield::{Shield, ShieldError};
