//! PostgreSQL with two roles: an owner that runs the migrations and owns every table, and the
//! portal's own role (`PORTAL_DATABASE_URL`), which owns nothing and gets only what the portal
//! does with each table. It may read and add rows of the append-only tables but never change or
//! remove one, and — owning no table — it cannot disable the triggers that refuse such changes
//! either. What it may do is listed here, in one place, and granted at every start (after the
//! migrations, so new tables are covered).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::PgConnection;

use super::DbError;

/// Tables whose rows are only ever added: the portal's role may SELECT and INSERT them, nothing
/// more. Each also has triggers refusing UPDATE, DELETE and TRUNCATE to every role (the
/// migrations 000008, 000009, 000013 and 000014).
pub const APPEND_ONLY_TABLES: &[&str] = &[
    "ledger_entries",
    "payouts",
    "commission_events",
    "bank_accounts",
    "audit_log",
    "bank_files",
];

/// `commissions` are never deleted; the portal's role may change these columns only (a state
/// along the allowed transitions, checked by a trigger, with its amount, reason, hold and the
/// time of the decision). The locking date is fixed when the conversion arrives: the portal's
/// role cannot move it (tests age it through the owner, as time passing would).
pub const COMMISSION_COLUMNS_CHANGED: &[&str] =
    &["state", "amount", "reason", "held", "decided_at"];

/// Functions that do, as the owner, the one thing the portal needs an owner for at run time:
/// creating and dropping the click log's months (`tracking::retention`).
pub const OWNER_FUNCTIONS: &[&str] =
    &["ensure_click_partition(DATE)", "drop_click_partition(DATE)"];

/// diesel's record of the migrations applied: the portal's role reads it to see that nothing is
/// pending, and never writes it.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

#[derive(QueryableByName)]
struct Who {
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Bool)]
    superuser: bool,
    #[diesel(sql_type = Text)]
    database: String,
    #[diesel(sql_type = Text)]
    schema: String,
}

fn who(conn: &mut PgConnection) -> QueryResult<Who> {
    diesel::sql_query(
        "SELECT current_user::TEXT AS role, \
         (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, \
         current_database()::TEXT AS database, quote_ident(current_schema()) AS schema",
    )
    .get_result(conn)
}

/// Migrates as the owner (`owner`), then grants the portal's role what it needs and checks
/// that it can do no more: it is neither the owner, nor a member of it, nor a superuser.
pub fn migrate_as_owner(
    owner: &mut PgConnection,
    portal: &mut PgConnection,
) -> Result<usize, DbError> {
    let failed = |e: diesel::result::Error| DbError::Privileges(e.to_string());
    let (owner_is, portal_is) = (who(owner).map_err(failed)?, who(portal).map_err(failed)?);
    if owner_is.database != portal_is.database {
        return Err(DbError::Privileges(format!(
            "PORTAL_MIGRATION_DATABASE_URL names the database {}, PORTAL_DATABASE_URL {}: they must be one",
            owner_is.database, portal_is.database
        )));
    }
    if owner_is.role == portal_is.role {
        return Err(DbError::Privileges(format!(
            "PORTAL_MIGRATION_DATABASE_URL and PORTAL_DATABASE_URL are both the role {}: the portal's role must be another, owning no table",
            portal_is.role
        )));
    }
    let applied = super::run_postgres_migrations(owner)?;
    grant(owner, &portal_is.role).map_err(failed)?;
    check_least_privilege(portal, &portal_is)?;
    Ok(applied)
}

/// Gives `role` (a role name, as the database spells it) what the portal does with each table,
/// and nothing else; run by the owner. Idempotent, and in one transaction: instances starting
/// together take turns, and a running instance never sees its rights half given.
pub fn grant(owner: &mut PgConnection, role: &str) -> QueryResult<()> {
    owner.transaction(|c| {
        // Concurrent changes of one catalog row fail ("tuple concurrently updated"): grants
        // take turns with each other and with the click log's months being made or dropped.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('portal privileges'))")
            .execute(c)?;
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('ensure_click_partition'))")
            .execute(c)?;
        let names = who(c)?;
        let role: Quoted = diesel::sql_query("SELECT quote_ident($1) AS name")
            .bind::<Text, _>(role)
            .get_result(c)?;
        let role = role.name;
        let schema = names.schema;
        // Only the tables that exist: the list may name one a later migration brings.
        let append_only: Vec<String> = existing(c, &schema, APPEND_ONLY_TABLES)?;
        let functions = OWNER_FUNCTIONS
            .iter()
            .map(|f| format!("{schema}.{f}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = format!(
            "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role};
             REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role};
             GRANT USAGE ON SCHEMA {schema} TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
             REVOKE INSERT, UPDATE, DELETE ON {schema}.{MIGRATIONS_TABLE} FROM {role};
             REVOKE UPDATE, DELETE ON {schema}.commissions FROM {role};
             GRANT UPDATE ({columns}) ON {schema}.commissions TO {role};
             GRANT EXECUTE ON FUNCTION {functions} TO {role};",
            columns = COMMISSION_COLUMNS_CHANGED.join(", "),
        );
        for table in append_only {
            sql.push_str(&format!(
                "REVOKE UPDATE, DELETE ON {schema}.{table} FROM {role};"
            ));
        }
        c.batch_execute(&sql)
    })
}

#[derive(QueryableByName)]
struct Quoted {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The tables of `names` that exist in `schema` (quoted as `quote_ident` quotes them).
fn existing(c: &mut PgConnection, schema: &str, names: &[&str]) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for name in names {
        let table: Option<Quoted> = diesel::sql_query(
            "SELECT quote_ident($1) AS name WHERE to_regclass(format('%s.%I', $2, $1)) IS NOT NULL",
        )
        .bind::<Text, _>(*name)
        .bind::<Text, _>(schema)
        .get_result(c)
        .optional()?;
        found.extend(table.map(|t| t.name));
    }
    Ok(found)
}

#[derive(QueryableByName)]
struct Owned {
    #[diesel(sql_type = BigInt)]
    count: i64,
    #[diesel(sql_type = Text)]
    some: String,
}

/// The portal's role must own nothing it could alter: no table or function of the schema, nor
/// the schema or the database (their owner may drop any table in them), is owned by it or by a
/// role it is a member of, and it is no superuser.
fn check_least_privilege(portal: &mut PgConnection, who: &Who) -> Result<(), DbError> {
    if who.superuser {
        return Err(DbError::Privileges(format!(
            "the portal's role {} (PORTAL_DATABASE_URL) is a superuser: it could disable the append-only triggers; give it a plain role (README, \"Deployment\")",
            who.role
        )));
    }
    let owned: Owned = diesel::sql_query(
        "SELECT count(*) AS count, COALESCE(string_agg(name, ', ' ORDER BY name), '') AS some \
         FROM (SELECT relname::TEXT AS name, relowner AS owner FROM pg_class \
               WHERE relnamespace = current_schema()::regnamespace AND relkind NOT IN ('i', 'I') \
               UNION ALL SELECT proname::TEXT, proowner FROM pg_proc \
               WHERE pronamespace = current_schema()::regnamespace \
               UNION ALL SELECT 'schema ' || nspname, nspowner FROM pg_namespace \
               WHERE oid = current_schema()::regnamespace \
               UNION ALL SELECT 'database ' || datname, datdba FROM pg_database \
               WHERE datname = current_database()) o \
         WHERE pg_has_role(current_user, o.owner, 'MEMBER')",
    )
    .get_result(portal)
    .map_err(|e| DbError::Privileges(e.to_string()))?;
    if owned.count > 0 {
        let some: String = owned.some.chars().take(200).collect();
        return Err(DbError::Privileges(format!(
            "the portal's role {} (PORTAL_DATABASE_URL) owns, or is a member of the owner of, {} objects of the database ({some}): as owner it could disable the append-only triggers; make the migration role their owner (REASSIGN OWNED, README \"Deployment\")",
            who.role, owned.count
        )));
    }
    Ok(())
}

/// One role migrating and serving: says, once at start, that the append-only tables are then
/// protected by triggers only, which their owner may disable.
pub fn warn_when_owner(portal: &mut PgConnection) {
    #[derive(QueryableByName)]
    struct Owner {
        #[diesel(sql_type = Bool)]
        owner: bool,
    }
    let owner: QueryResult<Owner> = diesel::sql_query(
        "SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user) \
         OR pg_has_role(current_user, (SELECT relowner FROM pg_class \
                                       WHERE oid = to_regclass('ledger_entries')), 'MEMBER'), \
         FALSE) AS owner",
    )
    .get_result(portal);
    if let Ok(Owner { owner: true }) = owner {
        tracing::warn!(
            "the portal's database role owns the tables (or is a superuser): the append-only \
             tables are protected by triggers it could disable; set PORTAL_MIGRATION_DATABASE_URL \
             and give the portal a role of its own (README, \"Deployment\")"
        );
    }
}
