//! The states and roles of accounts, participants, channels and memberships: one enum each,
//! mapped to the text stored in the database here and nowhere else.

use crate::db::stored_as_text;

stored_as_text!(
    /// Who an account is.
    Role {
        Participant => "participant",
        Manager => "manager",
    }
);

stored_as_text!(
    /// A publisher runs one advertising channel (rule A.1.g), a network several (A.1.f).
    ParticipantKind {
        Publisher => "publisher",
        Network => "network",
    }
);

stored_as_text!(
    /// A channel's review by an account manager. `Flagged` is pending with a brand-screening
    /// note (B.5.a).
    ReviewState {
        Pending => "pending",
        Flagged => "flagged",
        Approved => "approved",
        Rejected => "rejected",
    }
);

stored_as_text!(
    /// A channel's membership of a programme, decided by an account manager.
    MembershipState {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
);

stored_as_text!(
    /// A measure an account manager takes against a participant (rules F.11.a–g).
    MeasureKind {
        Warning => "warning",
        CurePeriod => "cure_period",
        Withhold => "withhold",
        Deduct => "deduct",
        Terminate => "terminate",
        Restrict => "restrict",
        Ban => "ban",
    }
);

stored_as_text!(
    /// What a restriction (F.11.f) restricts: new programme applications, or one membership
    /// (which it ends).
    Restriction {
        Applications => "applications",
        Membership => "membership",
    }
);

impl ParticipantKind {
    pub fn max_channels(self) -> Option<usize> {
        match self {
            ParticipantKind::Publisher => Some(1),
            ParticipantKind::Network => None,
        }
    }
}

impl MeasureKind {
    /// The clause of the rules that gives the measure (F.11.a–g).
    pub fn clause(self) -> &'static str {
        match self {
            MeasureKind::Warning => "F.11.a",
            MeasureKind::CurePeriod => "F.11.b",
            MeasureKind::Withhold => "F.11.c",
            MeasureKind::Deduct => "F.11.d",
            MeasureKind::Terminate => "F.11.e",
            MeasureKind::Restrict => "F.11.f",
            MeasureKind::Ban => "F.11.g",
        }
    }
}

impl ReviewState {
    /// Waiting for an account manager's decision.
    pub const OPEN: [ReviewState; 2] = [ReviewState::Pending, ReviewState::Flagged];

    pub fn is_open(self) -> bool {
        ReviewState::OPEN.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_text() {
        for state in ReviewState::ALL {
            assert_eq!(ReviewState::parse(state.as_str()), Some(*state));
        }
        for state in MembershipState::ALL {
            assert_eq!(MembershipState::parse(state.as_str()), Some(*state));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(ReviewState::parse("Approved"), None);
        assert_eq!(MembershipState::parse("flagged"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn the_stored_texts_are_those_the_migrations_allow() {
        // Each enum's texts are exactly the ones its column's CHECK constraint lists.
        use crate::db::text_check::{allowed, stored};
        let accounts = include_str!("../../migrations/sqlite/2026-11-24-000002_accounts/up.sql");
        let signup = include_str!("../../migrations/sqlite/2026-11-24-000003_signup/up.sql");
        let tracking = include_str!("../../migrations/sqlite/2026-11-25-000004_tracking/up.sql");
        assert_eq!(stored(ParticipantKind::ALL), allowed(signup, "kind"));
        assert_eq!(stored(Role::ALL), allowed(accounts, "role"));
        assert_eq!(stored(ReviewState::ALL), allowed(signup, "review_state"));
        assert_eq!(stored(MembershipState::ALL), allowed(tracking, "state"));
        assert!(ReviewState::Flagged.is_open() && ReviewState::Pending.is_open());
        assert!(!ReviewState::Approved.is_open() && !ReviewState::Rejected.is_open());
    }
}
