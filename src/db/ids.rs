//! Typed ids: one newtype over `i64` per table whose id travels between functions, so that a
//! function taking a participant and a channel cannot be handed them the other way round.
//!
//! Each id is stored as the table's `BIGINT` (`Int8`) column, unchanged; diesel reads and writes
//! the newtype itself (`participants::id.eq(participant)`, `.values(...)`, `Queryable` structs,
//! `RETURNING`), on both backends through `AnyConnection`. Serde is transparent: `web::Path<MeasureId>`
//! and form fields parse the same numbers, and refuse the same non-numbers, as an `i64` did.

/// Makes a typed id: `Copy`, ordered, shown as its number, (de)serialized as its number, and
/// mapped to `BigInt` in the database.
macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored in the database and written in URLs.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl AnyId for $name {
            fn number(&self) -> i64 {
                self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map($name)
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB> for $name
        where
            DB: diesel::backend::Backend,
            i64: diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
    )+};
}

/// Any table's id as its number, for what takes the id of one of several tables (an
/// objection's subject: a measure, a commission, a channel, a membership or a ban).
pub trait AnyId {
    fn number(&self) -> i64;
}

impl AnyId for i64 {
    fn number(&self) -> i64 {
        *self
    }
}

impl<T: AnyId + ?Sized> AnyId for &T {
    fn number(&self) -> i64 {
        (**self).number()
    }
}

typed_id! {
    /// `accounts.id`: a login account, a participant's or an account manager's.
    AccountId;
    /// `participants.id`.
    ParticipantId;
    /// `channels.id`.
    ChannelId;
    /// `memberships.id`: a channel's membership of a programme.
    MembershipId;
    /// `programmes.id`.
    ProgrammeId;
    /// `measures.id`.
    MeasureId;
    /// `objections.id`.
    ObjectionId;
    /// `objection_files.id`.
    ObjectionFileId;
    /// `commissions.id`.
    CommissionId;
    /// `commission_groups.id`.
    CommissionGroupId;
    /// `conversions.id`.
    ConversionId;
    /// `payouts.id`.
    PayoutId;
    /// `payout_runs.id`.
    PayoutRunId;
    /// `programme_secrets.id`.
    SecretId;
    /// `rules_versions.id`.
    RulesVersionId;
    /// `registration_bans.id`.
    BanId;
}
