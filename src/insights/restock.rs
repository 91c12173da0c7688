//! Restock forecast: what the dealer's customers are expected to buy in the next days, summed
//! per part from each customer's replenishment prediction, against what is on the shelf, as
//! lines to order from the supplier.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::TenantScoped;
use crate::entities::{OrderStatus, customers, order_lines, orders, parts, tenants};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, PartId, TenantId};
use crate::pagination::{PageParams, SortOrder};
use crate::reminders::engine::equivalents;
use crate::reminders::predict::{self, Prediction};

/// Days forecast when not asked otherwise, and at most.
pub const DEFAULT_DAYS: i64 = 14;
pub const MAX_DAYS: i64 = 90;

/// The definitions, exactly as computed.
pub const DEFINITIONS: &str = "What the dealer's customers are expected to buy from `from` (default today, the \
dealer's time zone) for `days` days (default 14, 1-90), per part, against the shelf.\n\n\
Each customer's purchases of a part before `from` predict the next as the reminders do (at least 3 purchase days at \
a regular interval: the median gap, the median quantity). A prediction contributes its quantity on each expected \
date inside the window: the first is the last purchase + the interval (one already past counts on `from` when it \
is at most `reminder_window_days` late, else the customer has lapsed and counts nothing), then every interval \
after. A customer who bought an equivalent part (interchange or supersession) since its last purchase of the part \
counts nothing for it. Purchases of customers without a rhythm for the part (too few, or irregular) add \
`background_quantity`: their units of the 56 days before `from`, at that rate over the window (to the nearest unit). \
Per part: `expected_quantity` (both kinds), the `customers` behind it, `stock`, `reserved` (held by \
orders), `owed` (units of orders not cancelled still waiting for stock), `available` = stock - reserved, and `shortfall` = \
max(0, expected_quantity + owed - available): the quantity to order from the supplier.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RestockSort {
    #[default]
    Shortfall,
    ExpectedQuantity,
    Customers,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RestockParams {
    /// First day of the window (`YYYY-MM-DD`, the dealer's time zone); default today. Only
    /// purchases before it are read, so a past day shows what was then forecast.
    pub from: Option<NaiveDate>,
    /// Days in the window, 1-90 (default 14).
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<i64>,
    /// Only parts with a shortfall (default false).
    pub short_only: Option<bool>,
    /// `shortfall` (default), `expected_quantity` or `customers`.
    pub sort: Option<RestockSort>,
    /// `desc` (default) or `asc`.
    pub order: Option<SortOrder>,
    /// Parts per page, 1-200 (default 50); a CSV export has every part.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One customer's expected purchases of the part in the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpectedBuyer {
    pub customer_id: CustomerId,
    pub name: String,
    pub quantity: i64,
    /// The first expected purchase in the window.
    pub expected_on: NaiveDate,
    pub interval_days: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RestockLine {
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Regular customers' expected units plus `background_quantity`.
    pub expected_quantity: i64,
    /// Of it, units from purchases without a rhythm, at their recent rate.
    pub background_quantity: i64,
    pub stock: i64,
    pub reserved: i64,
    pub owed: i64,
    pub available: i64,
    pub shortfall: i64,
    /// The customers with a rhythm behind it, most units first.
    pub customers: Vec<ExpectedBuyer>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RestockReport {
    pub from: NaiveDate,
    /// Last day of the window, included.
    pub to: NaiveDate,
    /// Parts with expected purchases in the window.
    pub parts: i64,
    /// Of them, those with a shortfall.
    pub short_parts: i64,
    pub items: Vec<RestockLine>,
    pub next_cursor: Option<String>,
}

/// The window `[from, from + days)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub days: i64,
}

impl Window {
    fn end(self) -> NaiveDate {
        self.from + Duration::days(self.days)
    }
}

/// Units a prediction expects inside the window, and the first day it expects them; a
/// prediction lapsed by more than `lapse_days` expects nothing.
pub fn expected_in(prediction: &Prediction, window: Window, lapse_days: i64) -> Option<(i64, NaiveDate)> {
    let interval = Duration::days(prediction.interval_days.max(1));
    let mut next = prediction.expected_on;
    if next < window.from {
        if next + Duration::days(lapse_days) < window.from {
            return None;
        }
        next = window.from;
    }
    let first = next;
    let mut times = 0;
    while next < window.end() {
        times += 1;
        next += interval;
    }
    (times > 0).then_some((prediction.quantity * times, first))
}

/// Days of history whose purchases without a rhythm give a part's background rate.
pub const BACKGROUND_DAYS: i64 = 56;

/// One customer's expected purchases of a part in the window.
#[derive(Debug, Clone, Copy)]
pub struct Buyer {
    pub customer: CustomerId,
    pub quantity: i64,
    pub first: NaiveDate,
    pub interval_days: i64,
}

/// What the window is expected to sell per part: the customers with a rhythm, and the rest.
#[derive(Debug, Default)]
pub struct Expected {
    pub regular: HashMap<PartId, Vec<Buyer>>,
    /// Units from purchases without a rhythm, at their rate of the last [`BACKGROUND_DAYS`].
    pub background: HashMap<PartId, i64>,
}

impl Expected {
    /// Units per part, both kinds.
    pub fn total(&self) -> HashMap<PartId, i64> {
        let mut out = self.background.clone();
        for (part, buyers) in &self.regular {
            *out.entry(*part).or_default() += buyers.iter().map(|b| b.quantity).sum::<i64>();
        }
        out.retain(|_, units| *units > 0);
        out
    }
}

/// Expected purchases in the window, from the purchases before it.
pub async fn expected(db: &impl ConnectionTrait, tenant: &tenants::Model, window: Window) -> Result<Expected> {
    let pairs = super::purchases::before(db, tenant.id, window.from).await?;
    expected_of(db, tenant, window, pairs).await
}

/// Expected purchases in the window, from each customer's purchases per part by day before it.
pub async fn expected_of(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    window: Window,
    pairs: Vec<((CustomerId, PartId), Vec<predict::Purchase>)>,
) -> Result<Expected> {
    // Whether a customer bought a part after an instant: its last purchase of it says.
    let mut bought: HashMap<CustomerId, Vec<(PartId, chrono::DateTime<chrono::Utc>)>> = HashMap::new();
    for ((customer, part), days) in &pairs {
        if let Some(last) = days.last() {
            bought.entry(*customer).or_default().push((*part, last.at));
        }
    }
    let lapse = i64::from(tenant.reminder_window_days);
    let since = window.from - Duration::days(BACKGROUND_DAYS);
    let mut found = Vec::new();
    let mut background_units: HashMap<PartId, i64> = HashMap::new();
    for ((customer, part), days) in pairs {
        match predict::predict(&days) {
            Some(prediction) => {
                if let Some((quantity, first)) = expected_in(&prediction, window, lapse) {
                    found.push((customer, part, quantity, first, prediction));
                }
            }
            None => {
                let recent: i64 = days.iter().filter(|d| d.date >= since).map(|d| d.quantity).sum();
                if recent > 0 {
                    *background_units.entry(part).or_default() += recent;
                }
            }
        }
    }
    let parts: Vec<PartId> = found.iter().map(|f| f.1).collect::<HashSet<_>>().into_iter().collect();
    let same = equivalents(db, tenant.id, &parts).await?;
    let mut out = Expected::default();
    for (customer, part, quantity, first, prediction) in found {
        let replenished = bought.get(&customer).is_some_and(|b| {
            b.iter().any(|(p, at)| {
                *p != part && *at > prediction.last.at && same.get(&part).is_some_and(|eq| eq.contains(p))
            })
        });
        if !replenished {
            out.regular.entry(part).or_default().push(Buyer {
                customer,
                quantity,
                first,
                interval_days: prediction.interval_days,
            });
        }
    }
    out.background = background_units
        .into_iter()
        .map(|(part, units)| (part, background(units, window.days)))
        .filter(|(_, units)| *units > 0)
        .collect();
    Ok(out)
}

/// Units at the rate of `units` per [`BACKGROUND_DAYS`], over `days`, to the nearest unit.
fn background(units: i64, days: i64) -> i64 {
    (units * days + BACKGROUND_DAYS / 2) / BACKGROUND_DAYS
}

/// Every forecast line, sorted as asked.
pub struct RestockLines {
    window: Window,
    parts: i64,
    short_parts: i64,
    lines: Vec<RestockLine>,
}

/// The restock forecast of one dealer.
pub async fn forecast(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: &RestockParams,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<RestockLines> {
    let dealer = crate::tenants::find(db, tenant).await?;
    let days = params.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::field(
            "query.days",
            "out_of_range",
            format!("days must be between 1 and {MAX_DAYS}"),
        ));
    }
    let from = match params.from {
        Some(day) => crate::metrics::checked_day("query.from", day)?,
        None => dealer.today(now),
    };
    let window = Window { from, days };
    let expected = expected(db, &dealer, window).await?;
    let totals = expected.total();

    let ids: Vec<PartId> = totals.keys().copied().collect();
    let mut known: HashMap<PartId, parts::Model> = HashMap::new();
    let mut owed: HashMap<PartId, i64> = HashMap::new();
    let mut names: HashMap<CustomerId, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        for part in parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            known.insert(part.id, part);
        }
    }
    // Units owed on backorder, of every part at once: backordered lines are few, and the
    // cancelled orders to leave out fewer still (a cancellation drops its backorder anyway).
    let cancelled = sea_orm::sea_query::Query::select()
        .column(orders::Column::Id)
        .from(orders::Entity)
        .and_where(orders::Column::TenantId.eq(tenant))
        .and_where(orders::Column::Status.eq(OrderStatus::Cancelled))
        .to_owned();
    let backordered: Vec<(PartId, i32)> = order_lines::Entity::scoped(tenant)
        .select_only()
        .columns([order_lines::Column::PartId, order_lines::Column::BackorderQuantity])
        .filter(order_lines::Column::BackorderQuantity.gt(0))
        .filter(order_lines::Column::OrderId.not_in_subquery(cancelled))
        .into_tuple()
        .all(db)
        .await?;
    for (part, units) in backordered {
        if totals.contains_key(&part) {
            *owed.entry(part).or_default() += i64::from(units);
        }
    }
    let customer_ids: Vec<CustomerId> = expected
        .regular
        .values()
        .flatten()
        .map(|b| b.customer)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in customer_ids.chunks(500) {
        for customer in customers::Entity::scoped(tenant)
            .filter(customers::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            names.insert(customer.id, customer.name);
        }
    }

    let mut lines: Vec<RestockLine> = totals
        .into_iter()
        .filter_map(|(id, expected_quantity)| {
            // A part deleted since is not ordered from a supplier.
            let part = known.get(&id)?;
            let mut customers: Vec<ExpectedBuyer> = expected
                .regular
                .get(&id)
                .into_iter()
                .flatten()
                .map(|b| ExpectedBuyer {
                    customer_id: b.customer,
                    name: names.get(&b.customer).cloned().unwrap_or_default(),
                    quantity: b.quantity,
                    expected_on: b.first,
                    interval_days: b.interval_days,
                })
                .collect();
            customers.sort_by(|a, b| b.quantity.cmp(&a.quantity).then(a.expected_on.cmp(&b.expected_on)));
            let background_quantity = expected.background.get(&id).copied().unwrap_or(0);
            let owed = owed.get(&id).copied().unwrap_or(0);
            let available = part.stock - part.reserved;
            Some(RestockLine {
                part_id: id,
                sku: part.sku.clone(),
                name: part.name.clone(),
                brand: part.brand.clone(),
                expected_quantity,
                background_quantity,
                stock: part.stock,
                reserved: part.reserved,
                owed,
                available,
                shortfall: (expected_quantity + owed - available).max(0),
                customers,
            })
        })
        .collect();
    let parts = i64::try_from(lines.len()).unwrap_or(i64::MAX);
    let short_parts = i64::try_from(lines.iter().filter(|l| l.shortfall > 0).count()).unwrap_or(i64::MAX);
    if params.short_only.unwrap_or(false) {
        lines.retain(|l| l.shortfall > 0);
    }
    let by = params.sort.unwrap_or_default();
    let order = params.order.unwrap_or_default();
    lines.sort_by(|a, b| {
        let ordering = match by {
            RestockSort::Shortfall => a.shortfall.cmp(&b.shortfall),
            RestockSort::ExpectedQuantity => a.expected_quantity.cmp(&b.expected_quantity),
            RestockSort::Customers => a.customers.len().cmp(&b.customers.len()),
        };
        let ordering = if order == SortOrder::Desc {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then_with(|| a.sku.cmp(&b.sku))
    });
    Ok(RestockLines {
        window,
        parts,
        short_parts,
        lines,
    })
}

impl RestockLines {
    /// Entries in the report (after the filters).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl super::Report for RestockLines {
    type Page = RestockReport;

    /// One page of lines.
    fn page(self, page: &PageParams) -> Result<Self::Page> {
        let (items, next_cursor) = super::page_of(self.lines, page)?;
        Ok(RestockReport {
            from: self.window.from,
            to: self.window.end() - Duration::days(1),
            parts: self.parts,
            short_parts: self.short_parts,
            items,
            next_cursor,
        })
    }

    /// Every line as CSV, and the file's name.
    fn csv(&self) -> Result<(Vec<u8>, String)> {
        let header = [
            "sku",
            "name",
            "brand",
            "expected_quantity",
            "background_quantity",
            "stock",
            "reserved",
            "owed",
            "available",
            "shortfall",
            "customers",
        ];
        let rows = self.lines.iter().map(|l| {
            let customers: Vec<String> = l
                .customers
                .iter()
                .map(|c| format!("{} ×{} ({})", c.name, c.quantity, c.expected_on))
                .collect();
            vec![
                l.sku.clone(),
                l.name.clone(),
                l.brand.clone().unwrap_or_default(),
                l.expected_quantity.to_string(),
                l.background_quantity.to_string(),
                l.stock.to_string(),
                l.reserved.to_string(),
                l.owed.to_string(),
                l.available.to_string(),
                l.shortfall.to_string(),
                customers.join("; "),
            ]
        });
        let body = super::csv_of(&header, rows)?;
        Ok((body, format!("restock-{}-{}d.csv", self.window.from, self.window.days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrderId;

    fn prediction(expected_on: NaiveDate, interval_days: i64, quantity: i64) -> Prediction {
        Prediction {
            interval_days,
            quantity,
            expected_on,
            last: predict::Purchase {
                date: expected_on - Duration::days(interval_days),
                at: chrono::Utc::now(),
                quantity,
                order_id: OrderId::generate(),
            },
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, d).expect("day")
    }

    #[test]
    fn a_prediction_counts_once_per_expected_day_in_the_window() {
        let window = Window { from: day(1), days: 14 };
        assert_eq!(expected_in(&prediction(day(5), 30, 4), window, 14), Some((4, day(5))));
        // Every 6 days from the 3rd: the 3rd, 9th and 15th (the window ends before the 15th).
        assert_eq!(expected_in(&prediction(day(3), 6, 2), window, 14), Some((4, day(3))));
        assert_eq!(
            expected_in(&prediction(day(15), 30, 4), window, 14),
            None,
            "after the window"
        );
        assert_eq!(
            expected_in(&prediction(day(14), 30, 4), window, 14),
            Some((4, day(14))),
            "its last day"
        );
    }

    #[test]
    fn the_background_rate_is_scaled_to_the_window() {
        assert_eq!(background(56, 14), 14);
        assert_eq!(background(12, 14), 3);
        assert_eq!(background(1, 14), 0, "a quarter of a unit");
        assert_eq!(background(2, 14), 1, "half a unit rounds up");
    }

    #[test]
    fn a_late_purchase_counts_on_the_first_day_unless_the_customer_has_lapsed() {
        let window = Window {
            from: day(20),
            days: 14,
        };
        assert_eq!(expected_in(&prediction(day(10), 30, 4), window, 14), Some((4, day(20))));
        assert_eq!(
            expected_in(&prediction(day(5), 30, 4), window, 14),
            None,
            "15 days late"
        );
        assert_eq!(
            expected_in(&prediction(day(6), 30, 4), window, 14),
            Some((4, day(20))),
            "14 days late"
        );
    }
}
