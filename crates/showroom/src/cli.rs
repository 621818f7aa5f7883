//! The command line. Flags override the configuration file and environment; each flag's help
//! names the environment variable that sets the same thing.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use figment::providers::Serialized;
use figment::Figment;
use serde::Serialize;

use crate::config::LogFormat;

/// Showroom: a 3D commerce platform in one binary.
///
/// Runs on embedded defaults (SQLite, an in-process cache, a local folder for objects) and
/// scales out on PostgreSQL, Redis and S3 by configuration alone.
#[derive(Debug, Parser)]
#[command(name = "showroom", version, propagate_version = true)]
pub struct Cli {
    /// Configuration file (TOML). Default: ./showroom.toml when present.
    #[arg(long, global = true, env = "SHOWROOM_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log as readable lines (human) or one JSON object per line (json). [env: SHOWROOM_LOG_FORMAT]
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Database URL: sqlite://FILE or postgres://… [env: SHOWROOM_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Cache URL: memory:// or redis://… [env: SHOWROOM_CACHE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub cache_url: Option<String>,
    /// Object storage URL: file://DIR, memory:// or s3://BUCKET[/PREFIX] [env: SHOWROOM_STORAGE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub storage_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the shop, the API and the assets over HTTP.
    Serve {
        /// Address to listen on. [env: SHOWROOM_LISTEN] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Seed a demo catalog (furniture, gadgets, fashion, with 3D models) if the catalog is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Process uploaded models (validate, optimize, posters, USDZ) without serving HTTP.
    Worker,
    /// Print the effective configuration (secrets redacted) and exit.
    Config,
    /// Staff accounts and API tokens: `admin create --email E` makes the first admin.
    Admin {
        #[command(subcommand)]
        command: crate::admin_cli::AdminCommand,
    },
    /// Import or export the whole catalog as Shopify product CSV.
    Catalog {
        #[command(subcommand)]
        command: crate::catalog_cli::CatalogCommand,
    },
    /// Capacity and cost report from instances' /metrics (or a recording of them).
    Advisor(crate::advisor::AdvisorArgs),
    /// Validate or inspect a glTF model (.glb, or .gltf beside its files). Needs no database.
    Assets {
        #[command(subcommand)]
        command: crate::assets_cli::AssetsCommand,
    },
}

/// Only the flags that were given, so unset flags never hide the file or the environment.
#[derive(Serialize)]
struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    log_format: Option<LogFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    demo: bool,
}

impl Cli {
    pub fn overrides(&self) -> Figment {
        let (listen, demo) = match &self.command {
            Command::Serve { listen, demo } => (*listen, *demo),
            _ => (None, false),
        };
        Figment::from(Serialized::defaults(FlagOverrides {
            log_format: self.log_format,
            database_url: self.database_url.clone(),
            cache_url: self.cache_url.clone(),
            storage_url: self.storage_url.clone(),
            listen,
            demo,
        }))
    }
}
