//! The states and roles of accounts, participants, channels and memberships: one enum each,
//! mapped to the text stored in the database here and nowhere else.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// An enum stored as text: `as_str` and `parse` are the one mapping, and diesel reads and
/// writes the enum itself (`channels::review_state.eq(ReviewState::Approved)`).
macro_rules! stored_as_text {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text stored in the database (and used in CSS classes and message keys).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> ToSql<Text, DB> for $name
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> FromSql<Text, DB> for $name
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                $name::parse(&text)
                    .ok_or_else(|| format!("unknown {}: {text:?}", stringify!($name)).into())
            }
        }
    };
}

stored_as_text!(
    /// Who an account is.
    Role {
        Participant => "participant",
        Manager => "manager",
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
        let check = |migration: &str, column: &str| -> Vec<String> {
            let at = migration.find(&format!("{column} IN (")).expect(column) + column.len() + 5;
            let list = &migration[at..at + migration[at..].find(')').unwrap()];
            list.split(',')
                .map(|t| t.trim().trim_matches('\'').to_owned())
                .collect()
        };
        let texts = |all: &[&str]| all.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let accounts = include_str!("../../migrations/sqlite/2026-11-24-000002_accounts/up.sql");
        let signup = include_str!("../../migrations/sqlite/2026-11-24-000003_signup/up.sql");
        let tracking = include_str!("../../migrations/sqlite/2026-11-25-000004_tracking/up.sql");
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(texts(&roles), check(accounts, "role"));
        let review: Vec<&str> = ReviewState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(texts(&review), check(signup, "review_state"));
        let membership: Vec<&str> = MembershipState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(texts(&membership), check(tracking, "state"));
        assert!(ReviewState::Flagged.is_open() && ReviewState::Pending.is_open());
        assert!(!ReviewState::Approved.is_open() && !ReviewState::Rejected.is_open());
    }
}
