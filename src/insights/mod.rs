//! Insights: what the dealer's inquiry history says to do next. Unmet demand ([`demand`]):
//! what shops asked for that the dealer could not supply, grouped by what was asked, and why.
//! Lost quotes and price signals ([`pricing`]): how the quotes fared per part and brand, and
//! which call for a price review or more stock. Restock forecast ([`restock`]): the customers'
//! predicted purchases of the next days per part, against the shelf.

pub mod demand;
pub mod marks;
pub mod pricing;
pub mod purchases;
pub mod restock;
pub mod rollup;
pub mod routes;

use crate::error::{Error, Result};
use crate::pagination::PageParams;

/// A sorted report: a page of it as JSON, or all of it as CSV.
pub trait Report {
    type Page: serde::Serialize;

    /// One page of entries, with the report's totals.
    fn page(self, page: &PageParams) -> Result<Self::Page>;

    /// Every entry as CSV, and the file's name.
    fn csv(&self) -> Result<(Vec<u8>, String)>;
}

/// One page of a sorted report, and the cursor of the next.
fn page_of<T>(entries: Vec<T>, page: &PageParams) -> Result<(Vec<T>, Option<String>)> {
    let limit = usize::try_from(page.limit()?).unwrap_or(usize::MAX);
    let offset: usize = page.cursor::<usize>()?.unwrap_or(0);
    let total = entries.len();
    let items: Vec<T> = entries.into_iter().skip(offset).take(limit).collect();
    let next = offset + items.len();
    Ok((items, (next < total).then(|| next.to_string())))
}

/// A report as CSV: its header, then a record per entry.
fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header).map_err(|e| Error::Internal(e.into()))?;
    for row in rows {
        out.write_record(&row).map_err(|e| Error::Internal(e.into()))?;
    }
    out.into_inner()
        .map_err(|e| Error::Internal(anyhow::anyhow!(e.to_string())))
}
