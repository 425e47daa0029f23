//! The audit log as a test reads it: the lines of one action, and the hash the log must carry
//! for a request from this machine.

use diesel::prelude::*;
use portal::db::ids::ParticipantId;
use portal::db::schema::audit_log;

use super::TestApp;

/// One line of the audit log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Line {
    pub actor: String,
    pub subject: String,
    pub participant_id: Option<ParticipantId>,
    pub ip_hash: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The lines of `action`, oldest first.
pub fn lines(app: &TestApp, action: &str) -> Vec<Line> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .order(audit_log::id)
        .select(Line::as_select())
        .load(&mut *app.conn())
        .unwrap()
}

/// How many lines of `action` there are.
pub fn count(app: &TestApp, action: &str) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// The one line of `action`; fails when there is none or more than one.
pub fn only(app: &TestApp, action: &str) -> Line {
    let mut all = lines(app, action);
    assert_eq!(all.len(), 1, "{action}: {all:?}");
    all.remove(0)
}

/// The keyed hash of 127.0.0.1 (where the tests' requests come from), as the log writes it.
pub fn local_ip_hash(app: &TestApp) -> String {
    let hasher = portal::ip_hash::IpHasher::new(&app.settings.secret_key);
    hex::encode(hasher.hash(Some("127.0.0.1".parse().unwrap())))
}

/// `line` was written by `actor` from this machine (its address hashed, never in the clear).
pub fn assert_by(app: &TestApp, line: &Line, actor: &str) {
    assert_eq!(line.actor, actor, "{line:?}");
    let hash = line.ip_hash.as_deref().expect("an IP hash");
    assert_eq!(hash, local_ip_hash(app), "{line:?}");
    assert!(!hash.contains("127.0.0.1"));
}
