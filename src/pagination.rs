//! Cursor pagination shared by every list endpoint. The cursor is the id of the last item
//! of the previous page; ids are time-ordered, so pages are stable under inserts.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::Error;

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 200;

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
