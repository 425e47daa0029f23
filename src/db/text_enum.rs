//! Enums stored as text in the database, mapped in one place per enum.

/// An enum stored as text: `as_str` and `parse` are the one mapping, and diesel reads and
/// writes the enum itself (`channels::review_state.eq(ReviewState::Approved)`).
macro_rules! stored_as_text {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
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

        /// `parse` for generic code (a URL's part names one: `"cookie_period".parse()`).
        impl std::str::FromStr for $name {
            type Err = crate::db::UnknownText;

            fn from_str(text: &str) -> Result<$name, Self::Err> {
                $name::parse(text).ok_or(crate::db::UnknownText)
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                $name::parse(&text)
                    .ok_or_else(|| format!("unknown {}: {text:?}", stringify!($name)).into())
            }
        }
    };
}

pub(crate) use stored_as_text;

/// A text none of an enum's variants is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownText;

/// For the tests that hold each enum against its migration: the texts a column's CHECK
/// constraint allows, and an enum's texts beside them.
#[cfg(test)]
pub(crate) mod check {
    /// The texts `column IN ('a', 'b', …)` lists in `migration` (its first such constraint).
    pub fn allowed(migration: &str, column: &str) -> Vec<String> {
        let at = migration.find(&format!("{column} IN (")).expect(column) + column.len() + 5;
        let list = &migration[at..at + migration[at..].find(')').unwrap()];
        list.split(',')
            .map(|t| t.trim().trim_matches('\'').to_owned())
            .collect()
    }

    /// The texts an enum stores, in the order of `all` (its `ALL`).
    pub fn stored<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
        all.iter().map(T::to_string).collect()
    }
}
