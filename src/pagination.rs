//! Cursor pagination shared by every list endpoint. The cursor is the id of the last item
//! of the previous page; ids are time-ordered, so pages are stable under inserts.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::Error;

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 200;

/// Which way a list runs; each list documents its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u64, Error> {
        match self.limit {
            None => Ok(DEFAULT_PAGE_SIZE),
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            Some(_) => Err(Error::field(
                "query.limit",
                "out_of_range",
                format!("limit must be between 1 and {MAX_PAGE_SIZE}"),
            )),
        }
    }

    pub fn cursor<T: std::str::FromStr>(&self) -> Result<Option<T>, Error> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse()
                    .map_err(|_| Error::field("query.cursor", "invalid_cursor", "not a cursor this endpoint issued"))
            })
            .transpose()
    }
}

/// Fetch `limit + 1` rows, then call this: it trims the extra row and derives the next cursor.
pub fn finish_page<T, C: ToString>(
    mut rows: Vec<T>,
    limit: u64,
    cursor_of: impl Fn(&T) -> C,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|row| cursor_of(row).to_string());
        (rows, next)
    } else {
        (rows, None)
    }
}

/// How a list's `from` and `to` filters are written, for the API description.
pub const WINDOW_DOC: &str = "a day in the dealer's time zone (`2026-12-01`; `to` includes the whole day) \
or an instant (RFC 3339, `2026-12-01T08:00:00Z`; `to` excludes it)";

/// The first instant a list includes and the first it no longer does.
pub type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The instants a list's `from` / `to` filters stand for: each a day in the dealer's zone
/// (`from` at its first instant, `to` up to the next day's) or an RFC 3339 instant (`to`
/// exclusive). A bad value is a 422 naming `query.from` or `query.to`.
pub fn window(from: Option<&str>, to: Option<&str>, tz: chrono_tz::Tz) -> Result<Window, Error> {
    let parse = |name: &str, value: &str, end: bool| -> Result<DateTime<Utc>, Error> {
        let value = value.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(value) {
            return Ok(at.with_timezone(&Utc));
        }
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(day) if (1970..=9999).contains(&day.year()) => {
                let day = if end { day + Duration::days(1) } else { day };
                Ok(crate::clock::start_of_day(day, tz))
            }
            _ => Err(Error::field(
                format!("query.{name}"),
                "invalid_value",
                "a day (YYYY-MM-DD, 1970-9999) in the dealer's time zone, or an RFC 3339 instant",
            )),
        }
    };
    let from = from.map(|v| parse("from", v, false)).transpose();
    let to = to.map(|v| parse("to", v, true)).transpose();
    match (from, to) {
        (Ok(from), Ok(to)) => Ok((from, to)),
        (Err(Error::Validation(mut a)), Err(Error::Validation(b))) => {
            a.extend(b);
            Err(Error::Validation(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_reads_days_in_the_dealers_zone_and_instants_as_given() {
        let tz = chrono_tz::Asia::Shanghai;
        let (from, to) = window(Some("2026-12-01"), Some("2026-12-01"), tz).expect("days");
        assert_eq!(
            from.map(|t| t.to_rfc3339()),
            Some("2026-11-30T16:00:00+00:00".to_owned())
        );
        assert_eq!(to.map(|t| t.to_rfc3339()), Some("2026-12-01T16:00:00+00:00".to_owned()));
        let (from, to) = window(Some("2026-12-01T08:00:00Z"), None, tz).expect("instant");
        assert_eq!(
            from.map(|t| t.to_rfc3339()),
            Some("2026-12-01T08:00:00+00:00".to_owned())
        );
        assert_eq!(to, None);
        let err = window(Some("yesterday"), Some("2026-13-01"), tz).expect_err("bad");
        let fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["query.from", "query.to"]);
    }
}
