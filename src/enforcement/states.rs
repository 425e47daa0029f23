//! The decisions on cure periods and objections and the kinds of registration ban: one enum
//! each, mapped to the text stored in the database here and nowhere else.

use crate::db::stored_as_text;

stored_as_text!(
    /// An account manager's decision on a cure period (F.11.b) once the participant answered
    /// or the deadline passed.
    CureDecision {
        Accepted => "accepted",
        Escalated => "escalated",
    }
);

stored_as_text!(
    /// An account manager's decision on an objection (G.12): upheld undoes the action.
    ObjectionDecision {
        Upheld => "upheld",
        Rejected => "rejected",
    }
);

stored_as_text!(
    /// What a registration ban (F.11.g) bars: one address, or a domain with its subdomains.
    BanKind {
        Email => "email",
        Domain => "domain",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_texts_are_those_the_migrations_allow() {
        // Each enum's texts are exactly the ones its column's CHECK constraint lists.
        use crate::db::text_check::{allowed, stored};
        let signup = include_str!("../../migrations/sqlite/2026-11-24-000003_signup/up.sql");
        let enforcement =
            include_str!("../../migrations/sqlite/2026-11-30-000009_enforcement/up.sql");
        let objections =
            include_str!("../../migrations/sqlite/2026-12-07-000019_objections_everywhere/up.sql");
        assert_eq!(
            stored(CureDecision::ALL),
            allowed(enforcement, "cure_decision")
        );
        assert_eq!(
            stored(ObjectionDecision::ALL),
            allowed(objections, "decision")
        );
        let bans = &signup[signup.find("CREATE TABLE registration_bans").unwrap()..];
        assert_eq!(stored(BanKind::ALL), allowed(bans, "kind"));
        for decision in ObjectionDecision::ALL {
            assert_eq!(ObjectionDecision::parse(decision.as_str()), Some(*decision));
        }
        assert_eq!(CureDecision::parse("Accepted"), None);
    }
}
