//! `portal`: serve the portal, migrate its database, manage accounts.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use portal::config::Settings;
use portal::domain::{EmailAddress, Password};
use portal::i18n::Lang;
use portal::{accounts, startup, telemetry};

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "The publisher portal of an affiliate network"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default): migrates and seeds the database first.
    Serve,
    /// Apply pending migrations and seed the programmes, then exit.
    Migrate,
    /// Programme settings.
    Programme {
        #[command(subcommand)]
        command: ProgrammeCommand,
    },
    /// Pay participants.
    Payouts {
        #[command(subcommand)]
        command: PayoutsCommand,
    },
    /// Manage accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum ProgrammeCommand {
    /// Make a new secret for the conversion API and print it once. The previous secret keeps
    /// working for 24 hours, so the advertiser can switch without losing a conversion.
    Secret {
        #[arg(long)]
        programme: String,
    },
}

#[derive(Subcommand)]
enum PayoutsCommand {
    /// Pay every participant whose approved balance reaches the threshold and who has bank
    /// details, and write the run's SEPA bank file (pain.001). Running a period again pays
    /// only what is still owed, in a file of its own; a run that pays nobody writes none.
    Run {
        /// The month: 2026-11.
        #[arg(long)]
        period: String,
        /// Where to write the run's bank file (default:
        /// payouts/pain001-<period>-<message id>.xml in the data folder).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account manager. The password is asked for, or read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// Language of the manager's e-mails: nl or en.
        #[arg(long, default_value = "nl")]
        lang: String,
        /// An administrator: also manages account managers, the programme's data, the rules
        /// and the holiday table, and reads the audit log.
        #[arg(long)]
        administrator: bool,
    },
    /// Disable an account manager who leaves: every session ends at once and the account can
    /// no longer log in. The last administrator cannot be disabled.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account manager again.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Remove an account's second factor and recovery codes (a manager who lost both the phone
    /// and the codes): its sessions end, and its next login enrols again.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
    /// For demonstrations and benchmarks: create an active publisher whose channel and
    /// AliExpress membership are approved at once, and print its tracking link. The password is
    /// asked for, or read from standard input.
    DemoPublisher {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "https://www.demo-publisher.nl/")]
        website: String,
    },
}

/// glibc's allocator, tuned for a long-running server: allocations of 256 KiB and more (an
/// argon2 hash's 19 MiB) get their own mapping, given back to the system when freed, instead
/// of the threshold rising after the first such free and every thread's arena keeping them;
/// and two arenas instead of 16 on 2 cores. Without this the server's RSS grew to hundreds of
/// MB under scanning (`bench/scan_memory.sh`).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it runs before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    // The server logs to standard output; other commands keep it for their result.
    telemetry::init_to(!matches!(cli.command, None | Some(Command::Serve)));
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => startup::prepare_database(&settings).map(|_| {
            println!("database is up to date");
        }),
        Command::Programme {
            command: ProgrammeCommand::Secret { programme },
        } => programme_secret(&settings, &programme),
        Command::Payouts {
            command: PayoutsCommand::Run { period, file },
        } => payouts_run(&settings, &period, file),
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    lang,
                    administrator,
                },
        } => create_manager(&settings, &email, &lang, administrator),
        Command::Admin {
            command: AdminCommand::Disable { email },
        } => manager_access(&settings, &email, true),
        Command::Admin {
            command: AdminCommand::Enable { email },
        } => manager_access(&settings, &email, false),
        Command::Admin {
            command: AdminCommand::ResetSecondFactor { email },
        } => reset_second_factor(&settings, &email),
        Command::Admin {
            command: AdminCommand::DemoPublisher { email, website },
        } => demo_publisher(&settings, &email, &website),
    };
    let code = match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    exit_now(code)
}

/// Ends the process without running the C library's exit handlers. The connection pools start
/// connections on threads of their own that outlive `main`, and one still inside libpq while
/// `exit` tears down what libpq and OpenSSL use crashed the process after its work was done
/// (`portal programme secret` on PostgreSQL: SIGSEGV in 8 of 40 runs). Everything the commands
/// store is committed before they return; standard output and error are flushed here.
fn exit_now(code: i32) -> ExitCode {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process at once; nothing after it runs, and every buffer that
    // matters was flushed above.
    unsafe { libc::_exit(code) }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let ip = settings.bind.ip();
        let base = settings.base_url.to_string();
        let app = startup::Application::build(settings)?;
        // The port actually bound (`PORTAL_BIND=127.0.0.1:0` picks a free one).
        let address = std::net::SocketAddr::new(ip, app.port());
        tracing::info!(%address, %base, "portal listening");
        app.run_until_stopped().await?;
        tracing::info!("portal stopped");
        Ok(())
    })
}

fn programme_secret(settings: &Settings, slug: &str) -> anyhow::Result<()> {
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let terms = portal::ledger::intake::programme_terms(&mut conn, slug)?
        .ok_or_else(|| anyhow::anyhow!("--programme: there is no programme '{slug}'"))?;
    let secret = portal::ledger::secrets::rotate(&mut conn, terms.id, portal::db::now())?;
    portal::audit::record(
        &mut conn,
        &portal::audit::Actor::command("portal programme secret"),
        portal::audit::Entry::new(
            portal::audit::action::SECRET_ROTATED,
            format!("programme {}", terms.id),
        ),
        portal::db::now(),
    )?;
    println!("{secret}");
    eprintln!(
        "the new secret for {slug} is shown once, above; the previous one works for {} more hours",
        portal::ledger::secrets::OVERLAP_HOURS
    );
    Ok(())
}

fn payouts_run(
    settings: &Settings,
    period: &str,
    file: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    use portal::ledger::payouts;
    let period = payouts::Period::parse(period)
        .ok_or_else(|| anyhow::anyhow!("--period: write the month as 2026-11"))?;
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let now = portal::db::now();
    let payer_iban = settings
        .payer_iban
        .as_ref()
        .ok_or(payouts::PayoutError::NoPayerAccount)?;
    let payer = payouts::Payer {
        name: &settings.payer_name,
        iban: payer_iban,
    };
    let outcome = payouts::run(&mut conn, period, None, Some(payer), now)?;
    payouts::audit_run(
        &mut conn,
        &portal::audit::Actor::command("portal payouts run"),
        &outcome,
        now,
    )?;
    let summary = match outcome {
        payouts::RunOutcome::Paid(summary) => summary,
        payouts::RunOutcome::NobodyToPay(period) => {
            println!("payout run {period}: nobody is owed a payout now; no bank file was written");
            return Ok(());
        }
    };
    let run = payouts::find_run(&mut conn, summary.run_id)?
        .ok_or_else(|| anyhow::anyhow!("the run disappeared"))?;
    let stored = payouts::bank_file(&mut conn, &run, Some(payer))?
        .ok_or_else(|| anyhow::anyhow!("the run has no bank file"))?;
    let path = file.unwrap_or_else(|| {
        settings
            .data_dir
            .join("payouts")
            .join(format!("pain001-{period}-{}.xml", summary.message_id))
    });
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, stored.xml.as_bytes())?;
    println!(
        "payout run {period} (run {}): {} payouts, {} EUR; bank file {} (MsgId {}, sha256 {})",
        summary.run_id,
        summary.payouts,
        summary.total.plain(),
        path.display(),
        summary.message_id,
        stored.sha256
    );
    Ok(())
}

fn create_manager(
    settings: &Settings,
    email: &str,
    lang: &str,
    administrator: bool,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let lang = Lang::from_code(lang).ok_or_else(|| anyhow::anyhow!("--lang: use nl or en"))?;
    let password = read_password(&email)?;
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let id = accounts::create_manager(&mut conn, &email, &password.hash(), lang)?;
    if administrator {
        accounts::set_administrator(&mut conn, id, true)?;
    }
    let entry = portal::audit::Entry::new(
        portal::audit::action::MANAGER_CREATED,
        format!("account {id}"),
    )
    .after(serde_json::json!({ "email": email.as_str(), "administrator": administrator }));
    portal::audit::record(
        &mut conn,
        &portal::audit::Actor::command("portal admin create"),
        entry,
        portal::db::now(),
    )?;
    let role = if administrator {
        "administrator"
    } else {
        "account manager"
    };
    println!("{role} {email} created (id {id})");
    Ok(())
}

/// `portal admin disable` / `enable`: the console's change of access, from the server.
fn manager_access(settings: &Settings, email: &str, disable: bool) -> anyhow::Result<()> {
    use portal::console::managers::{self, Change, ManagerChange};
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let id = accounts::manager_id_by_email(&mut conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("--email: there is no account manager {email}"))?;
    let command = if disable {
        "portal admin disable"
    } else {
        "portal admin enable"
    };
    let actor = portal::audit::Actor::command(command);
    let now = portal::db::now();
    match managers::change(&mut conn, &actor, id, Change::Disabled(disable), now)? {
        ManagerChange::Changed if disable => {
            println!("account manager {email} disabled; their sessions have ended")
        }
        ManagerChange::Changed => println!("account manager {email} enabled again"),
        ManagerChange::Unchanged if disable => println!("{email} was disabled already"),
        ManagerChange::Unchanged => println!("{email} was not disabled"),
        ManagerChange::LastAdministrator => anyhow::bail!(
            "{email} is the last administrator and stays enabled; make another manager an \
             administrator first (portal admin create --administrator)"
        ),
        ManagerChange::NotFound => anyhow::bail!("--email: there is no account manager {email}"),
    }
    Ok(())
}

/// `portal admin reset-second-factor`: the second factor and recovery codes removed, the
/// account's sessions ended, an audit line; a manager enrols again at the next login.
fn reset_second_factor(settings: &Settings, email: &str) -> anyhow::Result<()> {
    use portal::auth::{second_factor, session_store};
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let account = accounts::find_by_email(&mut conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("--email: there is no account {email}"))?;
    let removed = portal::db::write_transaction(&mut conn, |conn| {
        let removed = second_factor::remove(conn, account.id)?;
        if removed {
            session_store::end_other_sessions(conn, account.id, None)?;
            let entry = portal::audit::Entry::new(
                portal::audit::action::SECOND_FACTOR_RESET,
                format!("account {}", account.id),
            );
            portal::audit::record(
                conn,
                &portal::audit::Actor::command("portal admin reset-second-factor"),
                entry,
                portal::db::now(),
            )?;
        }
        Ok::<_, diesel::result::Error>(removed)
    })?;
    if removed {
        println!("the second factor of {email} is removed and its sessions have ended; it enrols again at its next login");
    } else {
        println!("{email} had no second factor");
    }
    Ok(())
}

fn demo_publisher(settings: &Settings, email: &str, website: &str) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let website = portal::domain::WebsiteUrl::parse(website)
        .map_err(|e| anyhow::anyhow!("--website: {e}"))?;
    let password = read_password(&email)?;
    let pool = startup::prepare_database(settings)?;
    let mut conn = pool.get()?;
    let (programme_id, channel_id) = portal::channels::create_demo_publisher(
        &mut conn,
        &email,
        &password.hash(),
        &website,
        "aliexpress",
    )?;
    let link = portal::tracking::link::LinkParams {
        programme_id,
        channel_id,
        ad_id: None,
        epi: None,
        deep_url: None,
    }
    .url(&settings.base_url);
    println!("publisher {email} created; tracking link: {link}");
    Ok(())
}

/// Asks twice on a terminal; otherwise reads one line from standard input (for scripts).
/// The password typed for an account with `email`: the same policy as every other account's (the
/// length, not a common password, not the address's name).
fn read_password(email: &EmailAddress) -> anyhow::Result<Password> {
    let text = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Password::parse_for(&text, email).map_err(|e| anyhow::anyhow!("password: {e}"))
}
