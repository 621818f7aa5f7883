//! `showroom` entry point: parse flags, load the configuration, run the subcommand. Any start-up
//! failure is printed as one `error:` line and exits with status 1 (2 for usage errors, by clap).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use showroom::cli::{Cli, Command};
use showroom::{backends, build_state, serve_with_listener, telemetry, Config};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Model checks read one file and need no configuration, database or storage.
    if let Command::Assets { command } = &cli.command {
        return showroom::assets_cli::run(command);
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref(), cli.overrides())?;
    match cli.command {
        Command::Config => {
            print!("{}", config.to_redacted_toml());
            Ok(())
        }
        Command::Migrate => {
            telemetry::init_logging(config.log_format, &config.log_level);
            let store = backends::connect_catalog(&config.database_url).await?;
            println!("database schema is up to date ({})", store.backend_name());
            Ok(())
        }
        Command::Serve { .. } => serve(config).await,
        Command::Assets { .. } => unreachable!("handled in main before configuration is loaded"),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    telemetry::init_logging(config.log_format, &config.log_level);
    let started = Instant::now();
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot listen on {}: {e}",
                showroom::config::setting_name("listen"),
                config.listen
            )
        })?;
    let state = build_state(&config).await?;
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        database = state.catalog.backend_name(),
        cache = state.cache.backend_name(),
        ready_ms = started.elapsed().as_millis() as u64,
        "Showroom is ready on http://{address}"
    );
    if config.admin_token.is_none() {
        tracing::info!("no admin token configured (SHOWROOM_ADMIN_TOKEN): the admin API is closed");
    }
    let drain = Duration::from_secs(config.http.shutdown_drain_secs);
    serve_with_listener(listener, state, drain, showroom::server::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}
