//! Structured logs: one line per event, level from `RUST_LOG` (default `info`).

use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

/// Logs to standard error when `stderr` (commands whose standard output is their result, such
/// as a new secret to paste elsewhere); to standard output otherwise (the server).
///
/// Colours only on a terminal: a log written to a pipe or a file (a service manager's journal,
/// a script reading a command's errors) gets plain text, no ANSI escape codes.
pub fn init_to(stderr: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("PORTAL_LOG_FORMAT").is_ok_and(|v| v == "json");
    let ansi = if stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(move || -> Box<dyn std::io::Write> {
            if stderr {
                Box::new(std::io::stderr())
            } else {
                Box::new(std::io::stdout())
            }
        });
    // A second call (tests) finds a subscriber in place; that is fine.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}
