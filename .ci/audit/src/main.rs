//! `portal-audit LOCKFILE DATABASE [IGNORE]`: every package of the lock file against the advisory
//! database (a folder with `crates/`). Vulnerabilities fail the audit (exit 1) unless their id is
//! listed in IGNORE (one id a line, `#` comments: the reason stays beside the id); informational
//! advisories (unmaintained, unsound) are listed and do not fail it.

use std::path::Path;
use std::process::ExitCode;

use rustsec::advisory::Informational;
use rustsec::{Database, Lockfile};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(lockfile), Some(database)) = (args.first(), args.get(1)) else {
        eprintln!("usage: portal-audit LOCKFILE DATABASE [IGNORE]");
        return ExitCode::from(2);
    };
    let ignored: Vec<String> = args
        .get(2)
        .map(|path| std::fs::read_to_string(path).unwrap_or_default())
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    let lockfile = match Lockfile::load(lockfile) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("audit: cannot read {lockfile}: {e}");
            return ExitCode::from(2);
        }
    };
    let database = match Database::open(Path::new(database)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("audit: cannot read the advisory database {database}: {e}");
            return ExitCode::from(2);
        }
    };
    let found = database.vulnerabilities(&lockfile);
    let mut failing = 0;
    for vulnerability in &found {
        let advisory = &vulnerability.advisory;
        let id = advisory.id.as_str();
        let verdict = if ignored.iter().any(|i| i == id) {
            "ignored (see the ignore list)"
        } else {
            failing += 1;
            "VULNERABLE"
        };
        println!(
            "{verdict}: {} {} — {id}: {}",
            vulnerability.package.name, vulnerability.package.version, advisory.title
        );
    }
    let mut informational = 0;
    for package in &lockfile.packages {
        let query = rustsec::database::Query::crate_scope()
            .informational(true)
            .package_name(package.name.clone())
            .package_version(package.version.clone());
        for advisory in database.query(&query) {
            let Some(kind) = &advisory.metadata.informational else {
                continue;
            };
            if matches!(kind, Informational::Notice) {
                continue;
            }
            informational += 1;
            println!(
                "warning ({}): {} {} — {}: {}",
                kind.as_str(),
                package.name,
                package.version,
                advisory.metadata.id,
                advisory.metadata.title
            );
        }
    }
    println!(
        "audit: {} packages, {} advisories in the database; {failing} vulnerable, {} ignored, {informational} warnings",
        lockfile.packages.len(),
        database.iter().count(),
        found.len() - failing,
    );
    if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
