//! `showroom` entry point: parse flags, load the configuration, run the subcommand. Any start-up
//! failure is printed as one `error:` line and exits with status 1 (2 for usage errors, by clap).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use std::sync::Arc;

use clap::Parser;
use showroom::assets_cli::AssetsCommand;
use showroom::cli::{Cli, Command};
use showroom::mailer::{MailSettings, Mailer};
use showroom::sweeper::{SweepExtras, Sweeper};
use showroom::worker::{WorkerContext, WorkerSettings, Workers};
use showroom::{backends, build_state, serve_with_listener, telemetry, Config, StartupError};

/// mimalloc instead of glibc's allocator: a request allocates and frees many small objects
/// across threads, where glibc spent about a fifth of `/healthz`'s CPU in malloc, free and
/// their consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long shutdown waits for running asset jobs before leaving them to their leases.
const WORKER_GRACE: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Model checks read one file and need no configuration, database or storage.
    if let Command::Assets { command } = &cli.command {
        if !matches!(command, AssetsCommand::Import(_)) {
            return showroom::assets_cli::run(command);
        }
    }
    // The advisor reads other instances' metrics and needs no configuration of its own.
    if let Command::Advisor(args) = &cli.command {
        return match showroom::advisor::run(args).await {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        };
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
            let store = backends::connect_catalog(&config).await?;
            println!("database schema is up to date ({})", store.backend_name());
            Ok(())
        }
        Command::Admin { command } => {
            telemetry::init_logging(config.log_format, &config.log_level);
            showroom::admin_cli::run(&config, command).await
        }
        Command::Catalog { command } => {
            telemetry::init_logging(config.log_format, &config.log_level);
            showroom::catalog_cli::run(&config, command).await
        }
        Command::Serve { .. } => serve(config).await,
        Command::Worker => work(config).await,
        Command::Assets {
            command: AssetsCommand::Import(args),
        } => {
            telemetry::init_logging(config.log_format, &config.log_level);
            match showroom::assets_import::run(&config, &args).await? {
                code if code == ExitCode::SUCCESS => Ok(()),
                _ => Err(anyhow::anyhow!("some models could not be imported")),
            }
        }
        Command::Assets { .. } | Command::Advisor(_) => {
            unreachable!("handled in main before configuration is loaded")
        }
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
    let mail = MailSettings::from_config(&config).map_err(StartupError::Setting)?;
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
    let workers = Workers::start(WorkerContext {
        queue: state.catalog.clone(),
        blobs: state.blobs.clone(),
        settings: Arc::new(WorkerSettings::from_config(&config)),
    });
    if config.demo {
        tokio::spawn(showroom::demo_seed::log_progress(state.catalog.clone()));
    }
    // Compress the web front end's files once, off the request path.
    tokio::task::spawn_blocking(showroom_http::pages::static_files::warm_up);
    let sweeper = Sweeper::start_with(
        state.catalog.clone(),
        Duration::from_secs(config.checkout.sweep_interval_secs.max(1)),
        SweepExtras {
            guest_carts: Some(Duration::from_secs(
                u64::from(config.checkout.guest_cart_days.max(1)) * 86_400,
            )),
            login_window: Some(Duration::from_secs(
                config.accounts.login_window_secs.max(1),
            )),
            stock: state.shop.checkout.settings().stock.clone(),
        },
    );
    let mailer = Mailer::start(state.catalog.clone(), mail);
    let drain = Duration::from_secs(config.http.shutdown_drain_secs);
    serve_with_listener(listener, state, drain, showroom::server::shutdown_signal()).await?;
    sweeper.stop().await;
    mailer.stop().await;
    workers.stop(WORKER_GRACE).await;
    tracing::info!("stopped");
    Ok(())
}

/// `showroom worker`: only the background work, no HTTP: the processing workers (at least one)
/// and the mail dispatcher.
async fn work(config: Config) -> anyhow::Result<()> {
    telemetry::init_logging(config.log_format, &config.log_level);
    let mail = MailSettings::from_config(&config).map_err(StartupError::Setting)?;
    let (store, blobs) = tokio::try_join!(
        backends::connect_catalog(&config),
        backends::open_blobs(&config.storage_url),
    )?;
    let mut settings = WorkerSettings::from_config(&config);
    settings.concurrency = settings.concurrency.max(1);
    let mailer = Mailer::start(store.clone(), mail);
    let workers = Workers::start(WorkerContext {
        queue: store,
        blobs: Arc::new(blobs),
        settings: Arc::new(settings),
    });
    showroom::server::shutdown_signal().await;
    mailer.stop().await;
    workers.stop(WORKER_GRACE).await;
    tracing::info!("stopped");
    Ok(())
}
