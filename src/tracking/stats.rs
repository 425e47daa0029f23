//! Click statistics: the participant's clicks per day, per channel or per sub-ID (credited and
//! not credited) for a period, as a table and as CSV; and the share of flagged clicks per channel
//! for the account managers. Days are UTC dates, as stored with each click.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::abnormal::NotCredited;
use crate::db::schema::{channels, clicks, participants};
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::participants::Participant;
use crate::state::AppState;
use crate::web::extract;
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Days of the click log one statistics query reads. A long period is read a month at a time,
/// each month in a read transaction of its own, so no reader holds one snapshot for seconds: on
/// SQLite the WAL cannot start over while a reader uses it, and the click writer's commits piled
/// up behind a 365-day read of 3 million clicks (8 s), to be checkpointed all at once afterwards
/// (/click's p99 went from 2 to 260–370 ms in the rounds after it, measured with
/// `bench/stats_under_load.sh`). Days do not straddle months, so the sums are the same.
const DAYS_PER_READ: i32 = 31;

/// The participant's click counts in [from, to], grouped.
pub fn participant_stats(
    conn: &mut AnyConnection,
    participant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    grouping: Grouping,
) -> QueryResult<Vec<StatsLine>> {
    let names: BTreeMap<i64, String> = channels::table
        .filter(channels::participant_id.eq(participant_id))
        .select((channels::id, channels::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    use super::{date_of_day, day_number};
    let channel_ids: Vec<i64> = names.keys().copied().collect();
    let (first, last) = (day_number(from), day_number(to));
    let mut rows: Vec<(i32, i64, Option<String>, bool, i64)> = Vec::new();
    // A month per query, each its own read transaction (`with_conn` opens none): see
    // `DAYS_PER_READ`.
    let mut start = first;
    while start <= last {
        let end = (start + DAYS_PER_READ - 1).min(last);
        rows.extend(
            clicks::table
                // The participant's own channels (a channel never changes hands), read from
                // `clicks_channel_day` alone: it holds every column this query needs.
                .filter(clicks::channel_id.eq_any(&channel_ids))
                .filter(clicks::day.ge(start))
                .filter(clicks::day.le(end))
                .group_by((
                    clicks::day,
                    clicks::channel_id,
                    clicks::epi,
                    clicks::credited,
                ))
                .select((
                    clicks::day,
                    clicks::channel_id,
                    clicks::epi,
                    clicks::credited,
                    count_star(),
                ))
                .load::<(i32, i64, Option<String>, bool, i64)>(conn)?,
        );
        start = end + 1;
    }
    // Sort keys: days ascending, channels by name, sub-IDs alphabetically with "none" first.
    let mut groups: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (day, channel_id, epi, credited, count) in rows {
        let key = match grouping {
            Grouping::Day => {
                let day = date_of_day(day).format("%Y-%m-%d").to_string();
                (day.clone(), day)
            }
            Grouping::Channel => {
                let name = names.get(&channel_id).cloned().unwrap_or_default();
                (format!("{name}\u{0}{channel_id}"), name)
            }
            Grouping::Epi => {
                let epi = epi.unwrap_or_default();
                (epi.clone(), epi)
            }
        };
        let entry = groups.entry(key).or_default();
        if credited {
            entry.0 += count;
        } else {
            entry.1 += count;
        }
    }
    Ok(groups
        .into_iter()
        .map(|((_, label), (credited, not_credited))| StatsLine {
            label,
            credited,
            not_credited,
        })
        .collect())
}

/// A channel's clicks over a period and how many were flagged as abnormal (E.10.c).
#[derive(Debug, Clone)]
pub struct ChannelQuality {
    pub channel_id: i64,
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
    let rows: Vec<(i64, Option<String>, i64)> = clicks::table
        .filter(clicks::day.ge(super::day_number(since)))
        .group_by((clicks::channel_id, clicks::reason))
        .select((clicks::channel_id, clicks::reason, count_star()))
        .load(conn)?;
    let mut by_channel: BTreeMap<i64, ChannelQuality> = BTreeMap::new();
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
        q.total += count;
        match reason.as_deref().and_then(NotCredited::parse) {
            Some(NotCredited::Bot) => q.bot += count,
            Some(NotCredited::Duplicate) => q.duplicate += count,
            Some(NotCredited::Velocity) => q.velocity += count,
            _ => {}
        }
    }
    let ids: Vec<i64> = by_channel.keys().copied().collect();
    let names: Vec<(i64, String, String)> = channels::table
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
                .map(|d| self.ctx.lang.format_date(d))
                .unwrap_or_else(|_| line.label.clone()),
            Grouping::Epi if line.label.is_empty() => self.ctx.t("stats-no-epi"),
            _ => line.label.clone(),
        }
    }

    fn totals(&self) -> StatsLine {
        let lines = self.lines.as_deref().unwrap_or(&[]);
        StatsLine {
            label: String::new(),
            credited: lines.iter().map(|l| l.credited).sum(),
            not_credited: lines.iter().map(|l| l.not_credited).sum(),
        }
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
                &[
                    ("from", self.ctx.lang.format_date(from)),
                    ("to", self.ctx.lang.format_date(to)),
                ],
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
    ctx: Ctx,
    state: &web::Data<AppState>,
    participant: &Participant,
    query: &PeriodQuery,
) -> Result<Result<StatisticsPage, HttpResponse>, AppError> {
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
                grouping,
                period: None,
            },
        )?));
    };
    let participant_id = participant.id;
    // On a report thread: a long period must not take a core from the click path.
    let lines = state
        .reports
        .run(move |conn| -> Result<_, AppError> {
            Ok(participant_stats(conn, participant_id, from, to, grouping)?)
        })
        .await?;
    Ok(Ok(StatisticsPage {
        ctx,
        form,
        lines: Some(lines),
        grouping,
        period: Some((from, to)),
    }))
}

async fn page(
    ctx: Ctx,
    state: web::Data<AppState>,
    user: extract::Participant,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    match lines_for(ctx, &state, &user.participant, &query).await? {
        Ok(page) => render_form(false, &page),
        Err(invalid) => Ok(invalid),
    }
}

async fn csv_export(
    ctx: Ctx,
    state: web::Data<AppState>,
    user: extract::Participant,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let page = match lines_for(ctx, &state, &user.participant, &query).await? {
        Ok(page) => page,
        Err(invalid) => return Ok(invalid),
    };
    let StatisticsPage {
        ctx,
        lines,
        grouping,
        period,
        ..
    } = page;
    let lines = lines.unwrap_or_default();
    let (from, to) = period.expect("a period comes with its lines");
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, row: [String; 4]| {
        writer
            .write_record(&row)
            .map_err(|e| AppError::Other(e.into()))
    };
    write(
        &mut writer,
        [
            ctx.t(&format!("stats-group-{}", grouping.as_str())),
            ctx.t("stats-credited"),
            ctx.t("stats-not-credited"),
            ctx.t("stats-total"),
        ],
    )?;
    for line in &lines {
        // Days stay ISO dates and counts plain integers, so spreadsheets read them as such.
        write(
            &mut writer,
            [
                crate::web::csv::safe_cell(&line.label),
                line.credited.to_string(),
                line.not_credited.to_string(),
                line.total().to_string(),
            ],
        )?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"clicks-{}-{from}-{to}.csv\"",
                grouping.as_str()
            ),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flagged_share_is_rounded_once_to_one_decimal() {
        let q = ChannelQuality {
            channel_id: 1,
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
