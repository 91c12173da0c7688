//! Unmet demand: the inquiry lines of a period the dealer could not supply, grouped by what was
//! asked, with why each was lost and what to do about it.
//!
//! A line is *unmet* when it was not bought and one of these holds, checked in this order:
//! * `not_in_catalog`: the matcher found no candidate;
//! * `not_quoted`: staff marked it unavailable, the candidates had no price, or its quote was
//!   cancelled or expired without being sent;
//! * `out_of_stock`: it was quoted with nothing on the shelf (all of it backordered);
//! * `quoted_too_late`: its quote went out after the dealer's response target.
//!
//! Lines are grouped by the normalized part numbers they named, else by their words with
//! synonyms merged (the key the matcher reads lines by, without the vehicle), else by their
//! lower-cased text. Lines count in the period their inquiry arrived, in the dealer's time zone.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::rollup::{Rollup, read};
use crate::db::TenantScoped;
use crate::entities::{
    Confidence, LineStatus, QuoteStatus, inquiry_lines, quote_lines, quote_options, quotes, tenants,
};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, TenantId};
use crate::metrics::Period;
use crate::pagination::{PageParams, SortOrder};

/// The definitions, exactly as computed.
pub const DEFINITIONS: &str = "What shops asked for that the dealer could not supply, for a period of whole days in the \
dealer's time zone (lines count in the period their inquiry arrived; default the last 30 days, at most 731).\n\n\
An inquiry line is unmet when it was not bought and, checked in this order: `not_in_catalog` = the matcher found no \
candidate; `not_quoted` = staff marked it unavailable, its candidates had no price, or its quote was cancelled or \
expired unsent; `out_of_stock` = it was quoted with none on the shelf (all of it backordered); `quoted_too_late` = \
its quote was sent after the dealer's response target (`response_target_minutes`). Lines of quotes still being \
drafted, and lines quoted in time with stock and not bought (a price question, see the pricing insight) are not \
unmet. Lines of the dealer's proactive quotes (offers from replenishment reminders) were not asked for and never \
count.\n\n\
Lines are grouped by the normalized part numbers they named, else by their words with synonyms merged, else by their \
lower-cased text; `asked` is the latest wording. Per group: `lines`, distinct `shops`, `quantity` asked, first and \
last asked, the lines of the previous period of equal length and the `trend` (lines minus those), and the lines per \
reason. `action`: `add_to_catalog` when most lines were not in the catalog, `stock` (with `stock_quantity` = the \
quantity asked) when most were out of stock, `quote_them` when most were not quoted, `answer_faster` when most were \
quoted too late (ties in that order).";

/// Why a line was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LostReason {
    NotInCatalog,
    NotQuoted,
    OutOfStock,
    QuotedTooLate,
}

/// What the dealer could do about a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandAction {
    AddToCatalog,
    QuoteThem,
    Stock,
    AnswerFaster,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandSort {
    #[default]
    Lines,
    Shops,
    Quantity,
    LastAsked,
    Trend,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DemandParams {
    /// First day (`YYYY-MM-DD`, the dealer's time zone); default: 29 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, included; default today. A period is at most 731 days.
    pub to: Option<NaiveDate>,
    /// `lines` (default), `shops`, `quantity`, `last_asked` or `trend`.
    pub sort: Option<DemandSort>,
    /// `desc` (default) or `asc`.
    pub order: Option<SortOrder>,
    /// Groups per page, 1-200 (default 50); a CSV export has every group.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lines per reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LostLines {
    pub not_in_catalog: i64,
    pub not_quoted: i64,
    pub out_of_stock: i64,
    pub quoted_too_late: i64,
}

impl LostLines {
    fn merge(&mut self, other: &Self) {
        self.not_in_catalog += other.not_in_catalog;
        self.not_quoted += other.not_quoted;
        self.out_of_stock += other.out_of_stock;
        self.quoted_too_late += other.quoted_too_late;
    }

    fn add(&mut self, reason: LostReason) {
        *match reason {
            LostReason::NotInCatalog => &mut self.not_in_catalog,
            LostReason::NotQuoted => &mut self.not_quoted,
            LostReason::OutOfStock => &mut self.out_of_stock,
            LostReason::QuotedTooLate => &mut self.quoted_too_late,
        } += 1;
    }

    /// The most frequent reason's action (ties in the order of [`DEFINITIONS`]).
    fn action(&self) -> DemandAction {
        [
            (self.not_in_catalog, DemandAction::AddToCatalog),
            (self.out_of_stock, DemandAction::Stock),
            (self.not_quoted, DemandAction::QuoteThem),
            (self.quoted_too_late, DemandAction::AnswerFaster),
        ]
        .into_iter()
        .rev()
        .max_by_key(|(n, _)| *n)
        .map_or(DemandAction::AddToCatalog, |(_, action)| action)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DemandEntry {
    /// The group: `number:<normalized numbers>`, `words:<words>` or `text:<text>`.
    pub key: String,
    /// The latest wording of a line in the group, as the shop wrote it.
    #[schema(example = "卡罗拉前刹车片")]
    pub asked: String,
    /// The part number the latest line named, as written.
    pub part_number: Option<String>,
    pub lines: i64,
    pub shops: i64,
    pub quantity: i64,
    pub first_asked_at: DateTime<Utc>,
    pub last_asked_at: DateTime<Utc>,
    /// Unmet lines of the group in the previous period of equal length.
    pub previous_lines: i64,
    /// `lines - previous_lines`.
    pub trend: i64,
    pub reasons: LostLines,
    pub action: DemandAction,
    /// With `stock`: the quantity asked, to stock.
    pub stock_quantity: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DemandReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Unmet lines in the period, all groups.
    pub unmet_lines: i64,
    /// Inquiry lines received in the period (met or not).
    pub inquiry_lines: i64,
    pub items: Vec<DemandEntry>,
    pub next_cursor: Option<String>,
}

/// One line as read, with what decides whether and why it was lost.
struct Row {
    customer: CustomerId,
    received_at: DateTime<Utc>,
    status: LineStatus,
    sent: bool,
    bought: bool,
    quantity: i64,
    text: String,
    part_number: Option<String>,
    line_key: Option<String>,
    confidence: Confidence,
    quote_status: QuoteStatus,
    response_ms: Option<i64>,
    /// Units of the first option the shelf covered when quoted.
    first_option_quantity: Option<i32>,
}

impl Row {
    fn read(row: &QueryResult) -> Result<Self> {
        Ok(Self {
            customer: row.try_get("", "customer_id")?,
            received_at: row.try_get("", "received_at")?,
            status: row.try_get("", "status")?,
            sent: row.try_get("", "sent")?,
            bought: row.try_get("", "bought")?,
            quantity: i64::from(row.try_get::<i32>("", "requested_quantity")?),
            text: row.try_get("", "text")?,
            part_number: row.try_get("", "part_number")?,
            line_key: row.try_get("", "line_key")?,
            confidence: row.try_get("", "confidence")?,
            quote_status: row.try_get("", "quote_status")?,
            response_ms: row.try_get("", "response_ms")?,
            first_option_quantity: row.try_get("", "first_option_quantity")?,
        })
    }

    /// Why the line was lost; `None` when it was met, or is still being answered.
    fn lost(&self, target_ms: i64) -> Option<LostReason> {
        if self.bought || self.quote_status == QuoteStatus::Draft {
            return None;
        }
        if self.confidence == Confidence::None && self.status == LineStatus::NoOffer {
            return Some(LostReason::NotInCatalog);
        }
        if self.status != LineStatus::Offered || !self.sent {
            return Some(LostReason::NotQuoted);
        }
        if self.first_option_quantity == Some(0) {
            return Some(LostReason::OutOfStock);
        }
        if self.response_ms.is_some_and(|ms| ms > target_ms) {
            return Some(LostReason::QuotedTooLate);
        }
        None
    }

    /// The group the line belongs to.
    fn group(&self) -> String {
        let mut parts = self.line_key.as_deref().unwrap_or_default().split('|');
        let numbers = parts.next().unwrap_or_default().trim();
        let words = parts.next().unwrap_or_default().trim();
        if !numbers.is_empty() {
            format!("number:{numbers}")
        } else if !words.is_empty() {
            format!("words:{words}")
        } else {
            format!("text:{}", self.text.trim().to_lowercase())
        }
    }
}

/// The lines received in `[start, end)`, with their quotes and first options.
async fn rows(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Row>> {
    let (ql, il, q, qo) = (Alias::new("ql"), Alias::new("il"), Alias::new("q"), Alias::new("qo"));
    let select = Query::select()
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::CustomerId)), "customer_id")
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)), "received_at")
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::Status)), "status")
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::Sent)), "sent")
        .expr_as(Expr::col((ql.clone(), quote_lines::Column::Bought)), "bought")
        .expr_as(
            Expr::col((ql.clone(), quote_lines::Column::RequestedQuantity)),
            "requested_quantity",
        )
        .expr_as(Expr::col((il.clone(), inquiry_lines::Column::Text)), "text")
        .expr_as(
            Expr::col((il.clone(), inquiry_lines::Column::PartNumber)),
            "part_number",
        )
        .expr_as(Expr::col((il.clone(), inquiry_lines::Column::LineKey)), "line_key")
        .expr_as(Expr::col((il.clone(), inquiry_lines::Column::Confidence)), "confidence")
        .expr_as(Expr::col((q.clone(), quotes::Column::Status)), "quote_status")
        .expr_as(Expr::col((q.clone(), quotes::Column::ResponseMs)), "response_ms")
        .expr_as(
            Expr::col((qo.clone(), quote_options::Column::Quantity)),
            "first_option_quantity",
        )
        .from_as(quote_lines::Entity, ql.clone())
        .join_as(
            JoinType::InnerJoin,
            inquiry_lines::Entity,
            il.clone(),
            Expr::col((il.clone(), inquiry_lines::Column::Id)).equals((ql.clone(), quote_lines::Column::InquiryLineId)),
        )
        .join_as(
            JoinType::InnerJoin,
            quotes::Entity,
            q.clone(),
            Expr::col((q.clone(), quotes::Column::Id)).equals((ql.clone(), quote_lines::Column::QuoteId)),
        )
        .join_as(
            JoinType::LeftJoin,
            quote_options::Entity,
            qo.clone(),
            Expr::col((qo.clone(), quote_options::Column::QuoteLineId))
                .equals((ql.clone(), quote_lines::Column::Id))
                .and(Expr::col((qo.clone(), quote_options::Column::Rank)).eq(0)),
        )
        .and_where(Expr::col((ql.clone(), quote_lines::Column::TenantId)).eq(tenant))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).gte(start))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).lt(end))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::Bought)).eq(false))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::Proactive)).eq(false))
        .to_owned();
    let backend = db.get_database_backend();
    db.query_all_raw(backend.build(&select))
        .await?
        .iter()
        .map(Row::read)
        .collect()
}

/// Inquiry lines received in `[start, end)`, met or not.
async fn line_count(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<i64> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    Ok(i64::try_from(
        quote_lines::Entity::scoped(tenant)
            .filter(quote_lines::Column::ReceivedAt.gte(start))
            .filter(quote_lines::Column::ReceivedAt.lt(end))
            .filter(quote_lines::Column::Proactive.eq(false))
            .count(db)
            .await?,
    )
    .unwrap_or(i64::MAX))
}

/// Every group of the period, sorted as asked.
pub struct DemandGroups {
    pub period: Period,
    pub unmet_lines: i64,
    pub inquiry_lines: i64,
    pub entries: Vec<DemandEntry>,
}

/// One group's unmet lines over a span.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cell {
    asked: String,
    part_number: Option<String>,
    lines: i64,
    quantity: i64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    reasons: LostLines,
    shops: HashSet<CustomerId>,
}

impl Cell {
    fn of(row: &Row, reason: LostReason) -> Self {
        let mut reasons = LostLines::default();
        reasons.add(reason);
        Self {
            asked: row.text.clone(),
            part_number: row.part_number.clone(),
            lines: 1,
            quantity: row.quantity,
            first: row.received_at,
            last: row.received_at,
            reasons,
            shops: HashSet::from([row.customer]),
        }
    }

    fn merge(&mut self, other: Self) {
        self.lines += other.lines;
        self.quantity += other.quantity;
        self.reasons.merge(&other.reasons);
        self.first = std::cmp::min(self.first, other.first);
        // The latest wording; of two at the same instant, the greater, so any order of merging agrees.
        if (other.last, &other.asked) > (self.last, &self.asked) {
            self.last = other.last;
            self.asked = other.asked;
            self.part_number = other.part_number;
        }
        self.shops.extend(other.shops);
    }
}

/// The unmet demand of a span of days: the lines received, and the unmet ones per group.
#[derive(Debug, Default)]
pub struct DemandSpan {
    inquiry_lines: i64,
    groups: HashMap<String, Cell>,
}

/// The stored row of a span's totals (group keys always have a prefix).
const TOTALS_KEY: &str = "";

#[derive(Serialize, Deserialize)]
struct Totals {
    inquiry_lines: i64,
}

impl DemandSpan {
    fn add(&mut self, key: String, cell: Cell) {
        match self.groups.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut mine) => mine.get_mut().merge(cell),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(cell);
            }
        }
    }
}

impl Rollup for DemandSpan {
    const INSIGHT: &'static str = "demand";

    fn merge(&mut self, other: Self) {
        self.inquiry_lines += other.inquiry_lines;
        for (key, cell) in other.groups {
            self.add(key, cell);
        }
    }

    fn rows(&self) -> Result<Vec<(String, String)>> {
        let totals = Totals {
            inquiry_lines: self.inquiry_lines,
        };
        std::iter::once(serde_json::to_string(&totals).map(|body| (TOTALS_KEY.to_owned(), body)))
            .chain(
                self.groups
                    .iter()
                    .map(|(key, cell)| serde_json::to_string(cell).map(|body| (key.clone(), body))),
            )
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Internal(e.into()))
    }

    fn add_row(&mut self, key: &str, body: &str) -> Result<()> {
        if key == TOTALS_KEY {
            let totals: Totals = serde_json::from_str(body).map_err(|e| Error::Internal(e.into()))?;
            self.inquiry_lines += totals.inquiry_lines;
        } else {
            let cell: Cell = serde_json::from_str(body).map_err(|e| Error::Internal(e.into()))?;
            self.add(key.to_owned(), cell);
        }
        Ok(())
    }

    async fn live<C: ConnectionTrait>(
        db: &C,
        dealer: &tenants::Model,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Self> {
        let target_ms = i64::from(dealer.response_target_minutes) * 60_000;
        let mut span = Self {
            inquiry_lines: line_count(db, dealer.id, start, end).await?,
            groups: HashMap::new(),
        };
        for row in rows(db, dealer.id, start, end).await? {
            if let Some(reason) = row.lost(target_ms) {
                span.add(row.group(), Cell::of(&row, reason));
            }
        }
        Ok(span)
    }
}

/// Unmet demand of one dealer over a period, against the previous period of equal length.
pub async fn groups(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: &DemandParams,
    now: DateTime<Utc>,
) -> Result<DemandGroups> {
    let dealer = crate::tenants::find(db, tenant).await?;
    let today = dealer.today(now);
    let period = Period::parse(params.from, params.to, today)?;
    let current: DemandSpan = read(db, &dealer, period.from, period.to, today).await?;
    let before = period.previous();
    let previous: DemandSpan = read(db, &dealer, before.from, before.to, today).await?;

    let mut unmet_lines = 0;
    let mut entries: Vec<DemandEntry> = current
        .groups
        .into_iter()
        .map(|(key, cell)| {
            unmet_lines += cell.lines;
            let previous_lines = previous.groups.get(&key).map_or(0, |c| c.lines);
            let action = cell.reasons.action();
            DemandEntry {
                asked: cell.asked,
                part_number: cell.part_number,
                lines: cell.lines,
                shops: i64::try_from(cell.shops.len()).unwrap_or(i64::MAX),
                quantity: cell.quantity,
                first_asked_at: cell.first,
                last_asked_at: cell.last,
                previous_lines,
                trend: cell.lines - previous_lines,
                reasons: cell.reasons,
                action,
                stock_quantity: (action == DemandAction::Stock).then_some(cell.quantity),
                key,
            }
        })
        .collect();
    let by = params.sort.unwrap_or_default();
    let order = params.order.unwrap_or_default();
    entries.sort_by(|a, b| {
        let ordering = match by {
            DemandSort::Lines => a.lines.cmp(&b.lines),
            DemandSort::Shops => a.shops.cmp(&b.shops),
            DemandSort::Quantity => a.quantity.cmp(&b.quantity),
            DemandSort::LastAsked => a.last_asked_at.cmp(&b.last_asked_at),
            DemandSort::Trend => a.trend.cmp(&b.trend),
        };
        let ordering = if order == SortOrder::Desc {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then_with(|| a.key.cmp(&b.key))
    });
    Ok(DemandGroups {
        period,
        unmet_lines,
        inquiry_lines: current.inquiry_lines,
        entries,
    })
}

impl super::Report for DemandGroups {
    type Page = DemandReport;

    /// One page of groups.
    fn page(self, page: &PageParams) -> Result<Self::Page> {
        let (items, next_cursor) = super::page_of(self.entries, page)?;
        Ok(DemandReport {
            from: self.period.from,
            to: self.period.to,
            unmet_lines: self.unmet_lines,
            inquiry_lines: self.inquiry_lines,
            items,
            next_cursor,
        })
    }

    /// Every group as CSV, and the file's name.
    fn csv(&self) -> Result<(Vec<u8>, String)> {
        let header = [
            "key",
            "asked",
            "part_number",
            "lines",
            "shops",
            "quantity",
            "first_asked_at",
            "last_asked_at",
            "previous_lines",
            "trend",
            "not_in_catalog",
            "not_quoted",
            "out_of_stock",
            "quoted_too_late",
            "action",
            "stock_quantity",
        ];
        let rows = self.entries.iter().map(|e| {
            let action = serde_json::to_value(e.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            vec![
                e.key.clone(),
                e.asked.clone(),
                e.part_number.clone().unwrap_or_default(),
                e.lines.to_string(),
                e.shops.to_string(),
                e.quantity.to_string(),
                e.first_asked_at.to_rfc3339(),
                e.last_asked_at.to_rfc3339(),
                e.previous_lines.to_string(),
                e.trend.to_string(),
                e.reasons.not_in_catalog.to_string(),
                e.reasons.not_quoted.to_string(),
                e.reasons.out_of_stock.to_string(),
                e.reasons.quoted_too_late.to_string(),
                action,
                e.stock_quantity.map(|n| n.to_string()).unwrap_or_default(),
            ]
        });
        let body = super::csv_of(&header, rows)?;
        Ok((
            body,
            format!("unmet-demand-{}-{}.csv", self.period.from, self.period.to),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost(not_in_catalog: i64, not_quoted: i64, out_of_stock: i64, quoted_too_late: i64) -> LostLines {
        LostLines {
            not_in_catalog,
            not_quoted,
            out_of_stock,
            quoted_too_late,
        }
    }

    #[test]
    fn the_most_frequent_reason_decides_the_action_ties_in_a_fixed_order() {
        assert_eq!(lost(3, 1, 0, 0).action(), DemandAction::AddToCatalog);
        assert_eq!(lost(1, 0, 4, 0).action(), DemandAction::Stock);
        assert_eq!(lost(0, 2, 0, 1).action(), DemandAction::QuoteThem);
        assert_eq!(lost(0, 0, 0, 1).action(), DemandAction::AnswerFaster);
        assert_eq!(lost(2, 2, 2, 2).action(), DemandAction::AddToCatalog);
        assert_eq!(lost(0, 2, 2, 0).action(), DemandAction::Stock);
    }
}
