//! Click statistics: the participant's clicks per day, per channel or per sub-ID (credited and
//! not credited) for a period, as a table and as CSV; and the share of flagged clicks per channel
//! for the account managers. Days are UTC dates, as stored with each click.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use futures_util::StreamExt;
use rust_decimal::Decimal;

use super::abnormal::NotCredited;
use crate::db::ids::{ChannelId, ParticipantId};
use crate::db::schema::{channels, click_days, participants};
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::web::csv::Cell;
use crate::web::extract::ParticipantPage;
use crate::web::{render_form, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/statistics", web::get().to(page))
        .route("/account/statistics.csv", web::get().to(csv_export));
}

/// The longest period one request may ask for.
pub const MAX_DAYS: i64 = 366;
/// The period shown when none is asked for: the last 30 days including today.
pub const DEFAULT_DAYS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Day,
    Channel,
    Epi,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::Day, Grouping::Channel, Grouping::Epi];

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Day => "day",
            Grouping::Channel => "channel",
            Grouping::Epi => "epi",
        }
    }

    fn parse(text: &str) -> Option<Grouping> {
        Grouping::ALL.into_iter().find(|g| g.as_str() == text)
    }
}

/// One line of the statistics: what it groups (a day, a channel, a sub-ID) and its counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsLine {
    pub label: String,
    pub credited: i64,
    pub not_credited: i64,
}

impl StatsLine {
    pub fn total(&self) -> i64 {
        self.credited + self.not_credited
    }
}

/// Sub-IDs per CSV chunk: the export of a period with any number of sub-IDs is written this
/// many lines at a time, each chunk read after the one before has been sent.
pub const EPI_CHUNK: i64 = 1000;

/// The participant's channels, by id, with their names.
fn channel_names(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<BTreeMap<i64, String>> {
    Ok(channels::table
        .filter(channels::participant_id.eq(participant_id))
        .select((channels::id, channels::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Credited and not credited clicks of one rollup bucket, summed per group.
macro_rules! split_sums {
    () => {
        (
            diesel::dsl::sum(
                diesel::dsl::case_when(click_days::credited.eq(true), click_days::clicks)
                    .otherwise(0),
            ),
            diesel::dsl::sum(
                diesel::dsl::case_when(click_days::credited.eq(false), click_days::clicks)
                    .otherwise(0),
            ),
        )
    };
}

/// The participant's click counts in [from, to], grouped: every line of a day or channel
/// grouping (at most 366 days; the participant's channels), and for sub-IDs every line after
/// `after` (alphabetically, "none" first), at most `limit` of them. Read from the daily rollups
/// (`click_days`), which hold every column the statistics group by.
pub fn participant_stats_after(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    from: NaiveDate,
    to: NaiveDate,
    grouping: Grouping,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<StatsLine>> {
    use super::{date_of_day, day_number};
    let names = channel_names(conn, participant_id)?;
    // The participant's own channels (a channel never changes hands).
    let channel_ids: Vec<i64> = names.keys().copied().collect();
    let (first, last) = (day_number(from), day_number(to));
    let period = click_days::table
        .filter(click_days::channel_id.eq_any(channel_ids))
        .filter(click_days::day.ge(first))
        .filter(click_days::day.le(last));
    let line = |label: String, (credited, not_credited): (Option<i64>, Option<i64>)| StatsLine {
        label,
        credited: credited.unwrap_or(0),
        not_credited: not_credited.unwrap_or(0),
    };
    Ok(match grouping {
        Grouping::Day => period
            .group_by(click_days::day)
            .select((click_days::day, split_sums!()))
            .order_by(click_days::day)
            .load::<(i32, (Option<i64>, Option<i64>))>(conn)?
            .into_iter()
            .map(|(day, sums)| line(date_of_day(day).format("%Y-%m-%d").to_string(), sums))
            .collect(),
        Grouping::Channel => {
            let mut lines: Vec<(String, i64, StatsLine)> = period
                .group_by(click_days::channel_id)
                .select((click_days::channel_id, split_sums!()))
                .load::<(i64, (Option<i64>, Option<i64>))>(conn)?
                .into_iter()
                .map(|(id, sums)| {
                    let name = names.get(&id).cloned().unwrap_or_default();
                    (name.clone(), id, line(name, sums))
                })
                .collect();
            // Channels by name (two of the same name by id).
            lines.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            lines.into_iter().map(|(_, _, l)| l).collect()
        }
        Grouping::Epi => {
            macro_rules! epis_where {
                ($condition:expr) => {
                    period
                        .filter($condition)
                        .group_by(click_days::epi)
                        .select((click_days::epi, split_sums!()))
                        .order_by(click_days::epi)
                        .limit(limit)
                        .load::<(String, (Option<i64>, Option<i64>))>(conn)?
                };
            }
            // After a sub-ID, or from the first ("none" is '', the least of all).
            let rows = match after {
                Some(after) => epis_where!(click_days::epi.gt(after)),
                None => epis_where!(click_days::epi.ge("")),
            };
            rows.into_iter()
                .map(|(epi, sums)| line(epi, sums))
                .collect()
        }
    })
}

/// The participant's credited and not credited clicks in [from, to].
pub fn participant_totals(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<StatsLine> {
    use super::day_number;
    let channel_ids: Vec<i64> = channel_names(conn, participant_id)?.into_keys().collect();
    let (credited, not_credited): (Option<i64>, Option<i64>) = click_days::table
        .filter(click_days::channel_id.eq_any(channel_ids))
        .filter(click_days::day.ge(day_number(from)))
        .filter(click_days::day.le(day_number(to)))
        .select(split_sums!())
        .get_result(conn)?;
    Ok(StatsLine {
        label: String::new(),
        credited: credited.unwrap_or(0),
        not_credited: not_credited.unwrap_or(0),
    })
}

/// A channel's clicks over a period and how many were flagged as abnormal (E.10.c).
#[derive(Debug, Clone)]
pub struct ChannelQuality {
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub company_name: String,
    pub total: i64,
    pub bot: i64,
    pub duplicate: i64,
    pub velocity: i64,
}

impl ChannelQuality {
    pub fn flagged(&self) -> i64 {
        self.bot + self.duplicate + self.velocity
    }

    /// Flagged clicks as a percentage of all clicks, rounded half away from zero to one decimal.
    pub fn flagged_share_percent(&self) -> Decimal {
        if self.total == 0 {
            return Decimal::ZERO;
        }
        (Decimal::from(self.flagged()) * Decimal::from(100) / Decimal::from(self.total))
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

/// Every channel with clicks since `since` (inclusive), the highest flagged share first.
pub fn channel_quality(
    conn: &mut AnyConnection,
    since: NaiveDate,
) -> QueryResult<Vec<ChannelQuality>> {
    let rows: Vec<(ChannelId, String, Option<i64>)> = click_days::table
        .filter(click_days::day.ge(super::day_number(since)))
        .group_by((click_days::channel_id, click_days::reason))
        .select((
            click_days::channel_id,
            click_days::reason,
            diesel::dsl::sum(click_days::clicks),
        ))
        .load(conn)?;
    let mut by_channel: BTreeMap<ChannelId, ChannelQuality> = BTreeMap::new();
    for (channel_id, reason, count) in rows {
        let q = by_channel
            .entry(channel_id)
            .or_insert_with(|| ChannelQuality {
                channel_id,
                channel_name: String::new(),
                company_name: String::new(),
                total: 0,
                bot: 0,
                duplicate: 0,
                velocity: 0,
            });
        let count = count.unwrap_or(0);
        q.total += count;
        match NotCredited::parse(&reason) {
            Some(NotCredited::Bot) => q.bot += count,
            Some(NotCredited::Duplicate) => q.duplicate += count,
            Some(NotCredited::Velocity) => q.velocity += count,
            _ => {}
        }
    }
    let ids: Vec<ChannelId> = by_channel.keys().copied().collect();
    let names: Vec<(ChannelId, String, String)> = channels::table
        .inner_join(participants::table)
        .filter(channels::id.eq_any(&ids))
        .select((channels::id, channels::name, participants::company_name))
        .load(conn)?;
    for (id, name, company) in names {
        if let Some(q) = by_channel.get_mut(&id) {
            q.channel_name = name;
            q.company_name = company;
        }
    }
    let mut list: Vec<ChannelQuality> = by_channel.into_values().collect();
    list.sort_by(|a, b| {
        b.flagged_share_percent()
            .cmp(&a.flagged_share_percent())
            .then(b.total.cmp(&a.total))
    });
    Ok(list)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    group: Option<String>,
}

/// The period and grouping asked for, or the form with a message next to each wrong field.
fn read_query(
    query: &PeriodQuery,
    lang: Lang,
    today: NaiveDate,
) -> (FormState, Option<(NaiveDate, NaiveDate, Grouping)>) {
    let default_from = today - chrono::Days::new(DEFAULT_DAYS - 1);
    let from_text = query
        .from
        .clone()
        .unwrap_or_else(|| default_from.format("%Y-%m-%d").to_string());
    let to_text = query
        .to
        .clone()
        .unwrap_or_else(|| today.format("%Y-%m-%d").to_string());
    let group_text = query.group.clone().unwrap_or_else(|| "day".into());
    let mut form = FormState::new();
    form.set("from", from_text.trim());
    form.set("to", to_text.trim());
    form.set("group", &group_text);
    let parse = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    let from = parse(&from_text);
    let to = parse(&to_text);
    if from.is_none() {
        form.fail(lang, "from", "error-date");
    }
    if to.is_none() {
        form.fail(lang, "to", "error-date");
    }
    let grouping = Grouping::parse(&group_text);
    if grouping.is_none() {
        form.fail(lang, "group", "error-grouping");
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            form.fail(lang, "to", "error-period-order");
        } else if (to - from).num_days() >= MAX_DAYS {
            form.fail(lang, "to", "error-period-too-long");
        }
    }
    match (from, to, grouping) {
        (Some(from), Some(to), Some(g)) if !form.has_errors() => (form, Some((from, to, g))),
        _ => (form, None),
    }
}

#[derive(Template)]
#[template(path = "tracking/statistics.html")]
struct StatisticsPage {
    ctx: Ctx,
    form: FormState,
    /// `None` when the form has errors.
    lines: Option<Vec<StatsLine>>,
    /// The whole period's counts (also of sub-IDs past the first `EPI_CHUNK` shown).
    totals: StatsLine,
    /// More sub-IDs than shown: the CSV file has them all.
    more: bool,
    grouping: Grouping,
    period: Option<(NaiveDate, NaiveDate)>,
}

impl StatisticsPage {
    fn number(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.ctx.lang.format_decimal(Decimal::from(*n.borrow()))
    }

    fn label(&self, line: &StatsLine) -> String {
        match self.grouping {
            Grouping::Day => NaiveDate::parse_from_str(&line.label, "%Y-%m-%d")
                .map(|d| self.ctx.day(&d))
                .unwrap_or_else(|_| line.label.clone()),
            Grouping::Epi if line.label.is_empty() => self.ctx.t("stats-no-epi"),
            _ => line.label.clone(),
        }
    }

    fn more_text(&self) -> String {
        self.ctx
            .t_args("stats-more", &[("shown", self.number(EPI_CHUNK))])
    }

    fn groupings(&self) -> Vec<(&'static str, String)> {
        Grouping::ALL
            .iter()
            .map(|g| {
                (
                    g.as_str(),
                    self.ctx.t(&format!("stats-group-{}", g.as_str())),
                )
            })
            .collect()
    }

    fn group_heading(&self) -> String {
        self.ctx
            .t(&format!("stats-group-{}", self.grouping.as_str()))
    }

    fn period_text(&self) -> String {
        match self.period {
            Some((from, to)) => self.ctx.t_args(
                "stats-period",
                &[("from", self.ctx.day(&from)), ("to", self.ctx.day(&to))],
            ),
            None => String::new(),
        }
    }

    /// Per day: credited and not credited clicks stacked (only when grouped by day, where the
    /// bars are a time line).
    fn chart(&self) -> Option<String> {
        let lines = self.lines.as_ref().filter(|l| !l.is_empty())?;
        if self.grouping != Grouping::Day {
            return None;
        }
        let lang = self.ctx.lang;
        Some(
            crate::web::chart::Chart {
                id: "clicks-chart",
                title: self.ctx.t("stats-chart-title"),
                description: self.ctx.t("stats-chart-desc"),
                series: vec![
                    self.ctx.t("stats-credited"),
                    self.ctx.t("stats-not-credited"),
                ],
                bars: lines
                    .iter()
                    .map(|l| crate::web::chart::Bar {
                        label: self.short_day(&l.label),
                        values: vec![l.credited, l.not_credited],
                    })
                    .collect(),
            }
            .to_svg(|v| lang.format_decimal(Decimal::from(v))),
        )
    }

    /// `24-11` / `24 Nov` under a bar.
    fn short_day(&self, label: &str) -> String {
        match NaiveDate::parse_from_str(label, "%Y-%m-%d") {
            Ok(d) => match self.ctx.lang {
                Lang::Nl => d.format("%d-%m").to_string(),
                Lang::En => d.format("%-d %b").to_string(),
            },
            Err(_) => label.to_owned(),
        }
    }

    fn csv_href(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("from", self.form.value("from"));
        query.append_pair("to", self.form.value("to"));
        query.append_pair("group", self.grouping.as_str());
        self.ctx
            .href(&format!("/account/statistics.csv?{}", query.finish()))
    }
}

/// The asked period's lines, or, for a wrong period, the page with its messages and the input
/// kept (the CSV link answers with that page too, instead of a broken file).
async fn lines_for(
    page: ParticipantPage,
    query: &PeriodQuery,
) -> Result<Result<StatisticsPage, HttpResponse>, AppError> {
    let participant_id = page.participant().id;
    let (ctx, state, _) = page.into_parts();
    let today = chrono::Utc::now().date_naive();
    let (form, asked) = read_query(query, ctx.lang, today);
    let Some((from, to, grouping)) = asked else {
        let grouping = query
            .group
            .as_deref()
            .and_then(Grouping::parse)
            .unwrap_or(Grouping::Day);
        return Ok(Err(render_form(
            true,
            &StatisticsPage {
                ctx,
                form,
                lines: None,
                totals: StatsLine::default(),
                more: false,
                grouping,
                period: None,
            },
        )?));
    };
    // On a report thread: a long period must not take a core from the click path. The page
    // shows the first `EPI_CHUNK` sub-IDs; the CSV file has them all.
    let (mut lines, totals) = state
        .reports
        .run(move |conn| -> Result<_, AppError> {
            let lines = participant_stats_after(
                conn,
                participant_id,
                from,
                to,
                grouping,
                None,
                EPI_CHUNK + 1,
            )?;
            Ok((lines, participant_totals(conn, participant_id, from, to)?))
        })
        .await?;
    let more = lines.len() as i64 > EPI_CHUNK;
    lines.truncate(EPI_CHUNK as usize);
    Ok(Ok(StatisticsPage {
        ctx,
        form,
        lines: Some(lines),
        totals,
        more,
        grouping,
        period: Some((from, to)),
    }))
}

async fn page(
    page: ParticipantPage,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    match lines_for(page, &query).await? {
        Ok(page) => render_form(false, &page),
        Err(invalid) => Ok(invalid),
    }
}

/// The CSV file of the asked period, written as it is read: a header line, then the lines a
/// chunk at a time (sub-IDs `EPI_CHUNK` at a time, each chunk read once the one before has been
/// handed to the connection), so the server holds one chunk whatever the file's length.
async fn csv_export(
    page: ParticipantPage,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let today = chrono::Utc::now().date_naive();
    let Some((from, to, grouping)) = read_query(&query, page.ctx.lang, today).1 else {
        // A wrong period: the page with its messages and the input kept, not a broken file.
        return match lines_for(page, &query).await? {
            Ok(page) => render_form(true, &page),
            Err(invalid) => Ok(invalid),
        };
    };
    let participant_id = page.participant().id;
    let (ctx, state, _) = page.into_parts();
    let format = crate::web::csv::Format::of(ctx.lang);
    let header = format.lines([[
        Cell::text(ctx.t(&format!("stats-group-{}", grouping.as_str()))),
        Cell::text(ctx.t("stats-credited")),
        Cell::text(ctx.t("stats-not-credited")),
        Cell::text(ctx.t("stats-total")),
    ]]);
    enum Next {
        From(Option<String>),
        Done,
    }
    let body = futures_util::stream::unfold(Next::From(None), move |next| {
        let state = state.clone();
        async move {
            let Next::From(after) = next else {
                return None;
            };
            let chunk = state
                .reports
                .run(move |conn| -> Result<_, AppError> {
                    Ok(participant_stats_after(
                        conn,
                        participant_id,
                        from,
                        to,
                        grouping,
                        after.as_deref(),
                        EPI_CHUNK,
                    )?)
                })
                .await;
            let lines = match chunk {
                Ok(lines) => lines,
                Err(e) => return Some((Err(actix_web::Error::from(e)), Next::Done)),
            };
            let next = match lines.last() {
                Some(last) if grouping == Grouping::Epi && lines.len() as i64 == EPI_CHUNK => {
                    Next::From(Some(last.label.clone()))
                }
                _ => Next::Done,
            };
            // Days stay ISO dates and counts plain integers, so spreadsheets read them as such;
            // channel names and sub-IDs are text.
            let rows = lines.iter().map(|line| {
                [
                    match grouping {
                        Grouping::Day => Cell::number(&line.label),
                        Grouping::Channel | Grouping::Epi => Cell::text(&line.label),
                    },
                    Cell::number(line.credited),
                    Cell::number(line.not_credited),
                    Cell::number(line.total()),
                ]
            });
            Some((Ok(format.lines(rows)), next))
        }
    });
    let body = futures_util::stream::once(async move { Ok(header) }).chain(body);
    Ok(
        crate::web::csv::response(&format!("clicks-{}-{from}-{to}", grouping.as_str()))
            .streaming(body),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagged_share_is_rounded_once_to_one_decimal() {
        let q = ChannelQuality {
            channel_id: ChannelId(1),
            channel_name: String::new(),
            company_name: String::new(),
            total: 3,
            bot: 1,
            duplicate: 0,
            velocity: 0,
        };
        assert_eq!(q.flagged_share_percent().to_string(), "33.3");
        let q = ChannelQuality {
            total: 8,
            bot: 1,
            ..q
        };
        assert_eq!(q.flagged_share_percent().to_string(), "12.5");
        let q = ChannelQuality {
            total: 0,
            bot: 0,
            ..q
        };
        assert_eq!(q.flagged_share_percent(), Decimal::ZERO);
    }

    #[test]
    fn periods_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let q = PeriodQuery::default();
        let (_, asked) = read_query(&q, Lang::En, today);
        let (from, to, g) = asked.unwrap();
        assert_eq!(
            (from.to_string(), to.to_string(), g),
            ("2026-10-27".into(), "2026-11-25".into(), Grouping::Day)
        );
        for (from, to, group, field) in [
            ("2026-13-01", "2026-11-25", "day", "from"),
            ("2026-11-01", "gisteren", "day", "to"),
            ("2026-11-25", "2026-11-01", "day", "to"),
            ("2024-01-01", "2026-11-25", "day", "to"),
            ("2026-11-01", "2026-11-25", "week", "group"),
        ] {
            let q = PeriodQuery {
                from: Some(from.into()),
                to: Some(to.into()),
                group: Some(group.into()),
            };
            let (form, asked) = read_query(&q, Lang::Nl, today);
            assert!(asked.is_none(), "{from} {to} {group}");
            assert!(form.invalid(field), "{from} {to} {group}");
            assert_eq!(form.value("from"), from);
        }
    }
}
