//! `showroom admin …`: set-up of people and automation from the shell, against the configured
//! database. `admin create --email E` makes the first admin (the password comes from stdin, one
//! line, so it never appears in shell history or `ps`); `admin token --name N --scope S…`
//! prints a new API token once.

use std::io::BufRead;

use anyhow::{anyhow, Context};
use clap::Subcommand;
use showroom_domain::Email;
use showroom_shop::api_tokens::TOKEN_SCOPES;
use showroom_shop::{Accounts, LoginThrottle};
use showroom_store::StaffRole;

use crate::backends;
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a member of staff (an admin by default). Reads the password from stdin: one line,
    /// or type it at the prompt. [`SHOWROOM_ADMIN_PASSWORD` is read instead when set.]
    Create {
        #[arg(long)]
        email: String,
        /// `admin` (everything) or `staff` (catalog and orders).
        #[arg(long, default_value = "admin")]
        role: String,
    },
    /// Create an API token for automation and print it (it is shown only this once).
    Token {
        /// What it is for.
        #[arg(long)]
        name: String,
        /// `catalog`, `orders` or `discounts`; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("SHOWROOM_ADMIN_PASSWORD") {
        return Ok(password);
    }
    eprint!("password: ");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub async fn run(config: &Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = backends::connect_catalog(config).await?;
    let accounts = Accounts::new(store.clone(), store, LoginThrottle::default());
    match command {
        AdminCommand::Create { email, role } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let role: StaffRole = role
                .parse()
                .map_err(|_| anyhow!("--role: a role is `admin` or `staff`"))?;
            let password = read_password()?;
            let member = accounts
                .create_staff(email, &password, role)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "created {} {} ({})",
                member.role,
                member.email.as_typed(),
                member.id
            );
        }
        AdminCommand::Token { name, scopes } => {
            if let Some(unknown) = scopes.iter().find(|s| !TOKEN_SCOPES.contains(&s.as_str())) {
                return Err(anyhow!(
                    "--scope: unknown scope `{unknown}` (known: catalog, orders, discounts)"
                ));
            }
            let issued = accounts
                .create_api_token(&name, scopes, None)
                .await
                .map_err(|e| match e.field() {
                    Some(field) => anyhow!("--{field}: {e}"),
                    None => anyhow!("{e}"),
                })?;
            let (record, token) = (issued.record, issued.token);
            eprintln!(
                "created API token {} with scopes {}; it is shown only now:",
                record.id,
                record.scopes.join(", ")
            );
            println!("{token}");
        }
    }
    Ok(())
}
