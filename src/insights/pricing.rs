//! Lost quotes and price signals: per part (or per brand), how often what the dealer quoted was
//! bought, why shops said no, how the customer's price level changes the answer, and which
//! parts call for a price review or more stock, each flag with the counts behind it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::rollup::{Rollup, read};
use crate::db::TenantScoped;
use crate::entities::{
    LineStatus, QuoteStatus, RejectionCode, customers, order_lines, orders, parts, quote_lines, quote_options, quotes,
    tenants,
};
use crate::error::{Error, Result};
use crate::ids::{PartId, TenantId};
use crate::metrics::Period;
use crate::money::format_price;
use crate::pagination::{PageParams, SortOrder};

/// A price review needs at least this many quoted lines...
pub const REVIEW_PRICE_MIN_QUOTED: i64 = 10;
/// ...at most this purchase rate...
pub const REVIEW_PRICE_MAX_RATE: f64 = 0.3;
/// ...and at least this many lines rejected with the code `price`, half or more of the coded ones.
pub const REVIEW_PRICE_MIN_PRICE_REJECTIONS: i64 = 3;
/// More stock needs at least this many bought lines...
pub const RAISE_STOCK_MIN_BOUGHT: i64 = 5;
/// ...at least this purchase rate, and less available than the units bought in the period.
pub const RAISE_STOCK_MIN_RATE: f64 = 0.8;
/// Shops' own words kept per entry, newest first.
const WORDS_KEPT: usize = 3;

/// The definitions, exactly as computed.
pub const DEFINITIONS: &str = "How the dealer's quotes fared, per part or per brand, for a period of whole days in the \
dealer's time zone (lines count in the period their inquiry arrived; default the last 30 days, at most 731).\n\n\
A *quoted line* is an inquiry line offered on a quote that was sent. It belongs to the part the shop bought on it \
(which may be an alternative), else to the part proposed. `bought_lines` = quoted lines the shop bought (a \
replacement sent for a return is not a purchase); `purchase_rate` = bought / quoted; `units_bought` and \
`bought_value` from the order lines; `quoted_value` = the proposal's unit price × the quantity asked. \
`rejected_lines` = quoted lines of quotes the shop rejected, counted per reason code in `rejections` (`uncoded` = \
rejected without a code); `reasons` = the shop's own words on the latest of them (up to 3). `by_price_level` = \
quoted and bought lines per customer price level (the customer's discount off list, in percent). The lines of \
proactive quotes (offers from replenishment reminders) count here like any other: their price met the shop just \
the same.\n\n\
Flags, only with enough evidence (the counts are in the entry): `review_price` = at least 10 quoted lines, a \
purchase rate of at most 0.3, and at least 3 lines rejected for `price`, at least half of the coded rejections; \
`raise_stock` (parts only) = at least 5 bought lines, a purchase rate of at least 0.8, and `available` (stock less \
what orders hold, now) below the units bought in the period.";

/// What entries are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricingGroup {
    #[default]
    Part,
    Brand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricingFlag {
    /// Quoted often, rarely bought, and refused on price.
    ReviewPrice,
    /// Almost always bought, and the shelf holds less than a period's sales.
    RaiseStock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PricingSort {
    #[default]
    QuotedLines,
    BoughtLines,
    PurchaseRate,
    RejectedLines,
    UnitsBought,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PricingParams {
    /// First day (`YYYY-MM-DD`, the dealer's time zone); default: 29 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, included; default today. A period is at most 731 days.
    pub to: Option<NaiveDate>,
    /// `part` (default) or `brand`.
    pub group: Option<PricingGroup>,
    /// Only entries with this flag.
    pub flag: Option<PricingFlag>,
    /// `quoted_lines` (default), `bought_lines`, `purchase_rate`, `rejected_lines` or `units_bought`.
    pub sort: Option<PricingSort>,
    /// `desc` (default) or `asc`.
    pub order: Option<SortOrder>,
    /// Entries per page, 1-200 (default 50); a CSV export has every entry.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Rejected lines per reason code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rejections {
    pub price: i64,
    pub availability: i64,
    pub delivery: i64,
    pub found_elsewhere: i64,
    pub no_longer_needed: i64,
    pub other: i64,
    pub uncoded: i64,
}

impl Rejections {
    fn add(&mut self, code: Option<RejectionCode>, lines: i64) {
        *match code {
            Some(RejectionCode::Price) => &mut self.price,
            Some(RejectionCode::Availability) => &mut self.availability,
            Some(RejectionCode::Delivery) => &mut self.delivery,
            Some(RejectionCode::FoundElsewhere) => &mut self.found_elsewhere,
            Some(RejectionCode::NoLongerNeeded) => &mut self.no_longer_needed,
            Some(RejectionCode::Other) => &mut self.other,
            None => &mut self.uncoded,
        } += lines;
    }

    fn merge(&mut self, other: &Self) {
        self.price += other.price;
        self.availability += other.availability;
        self.delivery += other.delivery;
        self.found_elsewhere += other.found_elsewhere;
        self.no_longer_needed += other.no_longer_needed;
        self.other += other.other;
        self.uncoded += other.uncoded;
    }

    fn coded(&self) -> i64 {
        self.price + self.availability + self.delivery + self.found_elsewhere + self.no_longer_needed + self.other
    }
}

/// Quoted and bought lines at one customer price level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct LevelRate {
    /// The customers' discount off list price, in percent (as on the customer).
    pub price_level: f64,
    pub quoted_lines: i64,
    pub bought_lines: i64,
    pub purchase_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PricingEntry {
    /// `part:<id>` or `brand:<brand>` (`brand:` for parts without one).
    pub key: String,
    pub part_id: Option<PartId>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub brand: Option<String>,
    pub quoted_lines: i64,
    pub bought_lines: i64,
    pub purchase_rate: Option<f64>,
    pub units_bought: i64,
    /// Decimal string, the dealer's currency.
    pub quoted_value: String,
    pub bought_value: String,
    pub rejected_lines: i64,
    pub rejections: Rejections,
    /// The shop's words on the latest rejections, newest first.
    pub reasons: Vec<String>,
    pub by_price_level: Vec<LevelRate>,
    /// Parts only: stock less what orders hold, now.
    pub available: Option<i64>,
    pub flags: Vec<PricingFlag>,
}

/// The evidence a flag needs, as applied.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct PricingThresholds {
    pub review_price_min_quoted: i64,
    pub review_price_max_rate: f64,
    pub review_price_min_price_rejections: i64,
    pub raise_stock_min_bought: i64,
    pub raise_stock_min_rate: f64,
}

const THRESHOLDS: PricingThresholds = PricingThresholds {
    review_price_min_quoted: REVIEW_PRICE_MIN_QUOTED,
    review_price_max_rate: REVIEW_PRICE_MAX_RATE,
    review_price_min_price_rejections: REVIEW_PRICE_MIN_PRICE_REJECTIONS,
    raise_stock_min_bought: RAISE_STOCK_MIN_BOUGHT,
    raise_stock_min_rate: RAISE_STOCK_MIN_RATE,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct PricingReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: PricingGroup,
    pub quoted_lines: i64,
    pub bought_lines: i64,
    pub purchase_rate: Option<f64>,
    pub rejections: Rejections,
    /// All quoted lines of the period per customer price level.
    pub by_price_level: Vec<LevelRate>,
    pub thresholds: PricingThresholds,
    pub items: Vec<PricingEntry>,
    pub next_cursor: Option<String>,
}

fn rate(bought: i64, quoted: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)] // line counts are far below 2^52
    (quoted > 0).then(|| bought as f64 / quoted as f64)
}

/// Quoted lines of one part, customer level, quote state and reason code.
struct Cell {
    part: PartId,
    level: i32,
    rejected: bool,
    code: Option<RejectionCode>,
    lines: i64,
    bought: i64,
    units_bought: i64,
    bought_minor: i64,
    quoted_minor: i64,
}

impl Cell {
    fn read(row: &QueryResult) -> Result<Self> {
        let status: QuoteStatus = row.try_get("", "quote_status")?;
        Ok(Self {
            part: row.try_get("", "part_id")?,
            level: row.try_get("", "price_level_bp")?,
            rejected: status == QuoteStatus::Rejected,
            code: row.try_get("", "rejection_code")?,
            lines: row.try_get("", "lines")?,
            bought: row.try_get("", "bought")?,
            units_bought: row.try_get("", "units_bought")?,
            bought_minor: row.try_get("", "bought_minor")?,
            quoted_minor: row.try_get("", "quoted_minor")?,
        })
    }
}

/// The part a quoted line belongs to: the one bought on it, else the proposal.
fn attributed_part() -> Expr {
    Func::coalesce([
        Expr::col((Alias::new("ol"), order_lines::Column::PartId)),
        Expr::col((Alias::new("qo"), quote_options::Column::PartId)),
    ])
    .into()
}

/// Sent, offered quote lines of the period with their proposal, their purchase (not a
/// replacement) and their quote.
fn quoted_lines(tenant: TenantId, start: DateTime<Utc>, end: DateTime<Utc>) -> SelectStatement {
    let (ql, q, qo, ol) = (Alias::new("ql"), Alias::new("q"), Alias::new("qo"), Alias::new("ol"));
    let replacements = Query::select()
        .column(orders::Column::Id)
        .from(orders::Entity)
        .and_where(orders::Column::TenantId.eq(tenant))
        .and_where(orders::Column::ReturnId.is_not_null())
        .to_owned();
    Query::select()
        .from_as(quote_lines::Entity, ql.clone())
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
        .join_as(
            JoinType::LeftJoin,
            order_lines::Entity,
            ol.clone(),
            Expr::col((ol.clone(), order_lines::Column::QuoteLineId))
                .equals((ql.clone(), quote_lines::Column::Id))
                .and(Expr::col((ol.clone(), order_lines::Column::OrderId)).not_in_subquery(replacements)),
        )
        .and_where(Expr::col((ql.clone(), quote_lines::Column::TenantId)).eq(tenant))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).gte(start))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::ReceivedAt)).lt(end))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::Sent)).eq(true))
        .and_where(Expr::col((ql.clone(), quote_lines::Column::Status)).eq(LineStatus::Offered))
        // An offered line has a proposal; a line without one (written by hand into the
        // tables) belongs to no part.
        .and_where(
            Expr::col((qo.clone(), quote_options::Column::PartId))
                .is_not_null()
                .or(Expr::col((ol.clone(), order_lines::Column::PartId)).is_not_null()),
        )
        .to_owned()
}

async fn cells(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Cell>> {
    let c = Alias::new("c");
    let mut select = quoted_lines(tenant, start, end);
    select
        .join_as(
            JoinType::InnerJoin,
            customers::Entity,
            c.clone(),
            Expr::col((c.clone(), customers::Column::Id)).equals((Alias::new("ql"), quote_lines::Column::CustomerId)),
        )
        .expr_as(attributed_part(), "part_id")
        .expr_as(
            Expr::col((c.clone(), customers::Column::PriceLevelBp)),
            "price_level_bp",
        )
        .expr_as(Expr::col((Alias::new("q"), quotes::Column::Status)), "quote_status")
        .expr_as(
            Expr::col((Alias::new("q"), quotes::Column::RejectionCode)),
            "rejection_code",
        )
        .expr_as(Expr::cust("COUNT(*)"), "lines")
        .expr_as(
            Expr::cust("CAST(SUM(CASE WHEN \"ql\".\"bought\" THEN 1 ELSE 0 END) AS BIGINT)"),
            "bought",
        )
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(\"ol\".\"quantity\"), 0) AS BIGINT)"),
            "units_bought",
        )
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(\"ol\".\"line_total_minor\"), 0) AS BIGINT)"),
            "bought_minor",
        )
        .expr_as(
            Expr::cust("CAST(COALESCE(SUM(\"qo\".\"unit_price_minor\" * \"ql\".\"requested_quantity\"), 0) AS BIGINT)"),
            "quoted_minor",
        )
        .add_group_by([
            attributed_part(),
            Expr::col((c, customers::Column::PriceLevelBp)),
            Expr::col((Alias::new("q"), quotes::Column::Status)),
            Expr::col((Alias::new("q"), quotes::Column::RejectionCode)),
        ]);
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&select)).await?;
    rows.iter().map(Cell::read).collect()
}

/// The shop's words on rejected lines, newest first, per part (each wording once, at most
/// [`WORDS_KEPT`]).
async fn words(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<HashMap<PartId, Vec<Reason>>> {
    let q = Alias::new("q");
    let mut select = quoted_lines(tenant, start, end);
    select
        .expr_as(attributed_part(), "part_id")
        .expr_as(Expr::col((q.clone(), quotes::Column::RejectionReason)), "reason")
        .expr_as(Expr::col((q.clone(), quotes::Column::DecidedAt)), "decided_at")
        .and_where(Expr::col((q.clone(), quotes::Column::Status)).eq(QuoteStatus::Rejected))
        .and_where(Expr::col((q.clone(), quotes::Column::RejectionReason)).is_not_null())
        .order_by((q, quotes::Column::DecidedAt), Order::Desc);
    let backend = db.get_database_backend();
    let mut by_part: HashMap<PartId, Vec<Reason>> = HashMap::new();
    for row in db.query_all_raw(backend.build(&select)).await? {
        let part: PartId = row.try_get("", "part_id")?;
        let reason = Reason {
            text: row.try_get("", "reason")?,
            at: row.try_get("", "decided_at")?,
        };
        keep_newest(by_part.entry(part).or_default(), vec![reason]);
    }
    Ok(by_part)
}

/// The shop's words on one rejection, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Reason {
    text: String,
    at: Option<DateTime<Utc>>,
}

/// Keeps the newest [`WORDS_KEPT`] distinct wordings of `kept` and `more`. Each list holds the
/// newest of its own span, so whatever is newest of both is among them.
fn keep_newest(kept: &mut Vec<Reason>, more: Vec<Reason>) {
    kept.extend(more);
    kept.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.text.cmp(&b.text)));
    let mut seen = std::collections::HashSet::new();
    kept.retain(|r| seen.insert(r.text.clone()));
    kept.truncate(WORDS_KEPT);
}

/// Running sums of one entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Tally {
    quoted: i64,
    bought: i64,
    units_bought: i64,
    bought_minor: i64,
    quoted_minor: i64,
    rejected: i64,
    rejections: Rejections,
    levels: BTreeMap<i32, (i64, i64)>,
    reasons: Vec<Reason>,
}

impl Tally {
    fn add(&mut self, cell: &Cell) {
        self.quoted += cell.lines;
        self.bought += cell.bought;
        self.units_bought += cell.units_bought;
        self.bought_minor += cell.bought_minor;
        self.quoted_minor += cell.quoted_minor;
        if cell.rejected {
            self.rejected += cell.lines;
            self.rejections.add(cell.code, cell.lines);
        }
        let level = self.levels.entry(cell.level).or_default();
        level.0 += cell.lines;
        level.1 += cell.bought;
    }

    fn merge(&mut self, other: Self) {
        self.quoted += other.quoted;
        self.bought += other.bought;
        self.units_bought += other.units_bought;
        self.bought_minor += other.bought_minor;
        self.quoted_minor += other.quoted_minor;
        self.rejected += other.rejected;
        self.rejections.merge(&other.rejections);
        for (level, (quoted, bought)) in other.levels {
            let mine = self.levels.entry(level).or_default();
            mine.0 += quoted;
            mine.1 += bought;
        }
        keep_newest(&mut self.reasons, other.reasons);
    }

    fn levels(&self) -> Vec<LevelRate> {
        self.levels
            .iter()
            .map(|(&level_bp, &(quoted, bought))| LevelRate {
                price_level: f64::from(level_bp) / 100.0,
                quoted_lines: quoted,
                bought_lines: bought,
                purchase_rate: rate(bought, quoted),
            })
            .collect()
    }

    fn flags(&self, available: Option<i64>) -> Vec<PricingFlag> {
        let purchase_rate = rate(self.bought, self.quoted).unwrap_or(0.0);
        let mut flags = Vec::new();
        let on_price = self.rejections.price;
        if self.quoted >= REVIEW_PRICE_MIN_QUOTED
            && purchase_rate <= REVIEW_PRICE_MAX_RATE
            && on_price >= REVIEW_PRICE_MIN_PRICE_REJECTIONS
            && on_price * 2 >= self.rejections.coded()
        {
            flags.push(PricingFlag::ReviewPrice);
        }
        if let Some(available) = available
            && self.bought >= RAISE_STOCK_MIN_BOUGHT
            && purchase_rate >= RAISE_STOCK_MIN_RATE
            && available < self.units_bought
        {
            flags.push(PricingFlag::RaiseStock);
        }
        flags
    }

    fn entry(self, key: String, part: Option<&parts::Model>, brand: Option<String>) -> PricingEntry {
        let available = part.map(|p| p.stock - p.reserved);
        PricingEntry {
            key,
            part_id: part.map(|p| p.id),
            sku: part.map(|p| p.sku.clone()),
            name: part.map(|p| p.name.clone()),
            brand,
            quoted_lines: self.quoted,
            bought_lines: self.bought,
            purchase_rate: rate(self.bought, self.quoted),
            units_bought: self.units_bought,
            quoted_value: format_price(self.quoted_minor),
            bought_value: format_price(self.bought_minor),
            rejected_lines: self.rejected,
            rejections: self.rejections,
            by_price_level: self.levels(),
            available,
            flags: self.flags(available),
            reasons: self.reasons.into_iter().map(|r| r.text).collect(),
        }
    }
}

/// How the quotes of a span of days fared, per part.
#[derive(Debug, Default)]
pub struct PricingSpan {
    parts: HashMap<PartId, Tally>,
}

impl Rollup for PricingSpan {
    const INSIGHT: &'static str = "pricing";

    fn merge(&mut self, other: Self) {
        for (part, tally) in other.parts {
            self.parts.entry(part).or_default().merge(tally);
        }
    }

    fn rows(&self) -> Result<Vec<(String, String)>> {
        self.parts
            .iter()
            .map(|(part, tally)| serde_json::to_string(tally).map(|body| (part.to_string(), body)))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Internal(e.into()))
    }

    fn add_row(&mut self, key: &str, body: &str) -> Result<()> {
        let part: PartId = key
            .parse()
            .map_err(|_| Error::Internal(anyhow::anyhow!("a pricing rollup of part {key:?}")))?;
        let tally: Tally = serde_json::from_str(body).map_err(|e| Error::Internal(e.into()))?;
        self.parts.entry(part).or_default().merge(tally);
        Ok(())
    }

    async fn live<C: ConnectionTrait>(
        db: &C,
        dealer: &tenants::Model,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Self> {
        let mut parts: HashMap<PartId, Tally> = HashMap::new();
        for cell in cells(db, dealer.id, start, end).await? {
            parts.entry(cell.part).or_default().add(&cell);
        }
        for (part, reasons) in words(db, dealer.id, start, end).await? {
            if let Some(tally) = parts.get_mut(&part) {
                tally.reasons = reasons;
            }
        }
        Ok(Self { parts })
    }
}

/// Every entry of the period, sorted as asked, with the dealer-wide totals.
pub struct PricingEntries {
    period: Period,
    group: PricingGroup,
    total: Tally,
    entries: Vec<PricingEntry>,
}

/// Lost quotes and price signals of one dealer over a period.
pub async fn entries(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: &PricingParams,
    now: DateTime<Utc>,
) -> Result<PricingEntries> {
    let dealer = crate::tenants::find(db, tenant).await?;
    let today = dealer.today(now);
    let period = Period::parse(params.from, params.to, today)?;
    let by_part = read::<PricingSpan>(db, &dealer, period.from, period.to, today)
        .await?
        .parts;
    // The dealer-wide totals are every part's, whatever the grouping.
    let mut total = Tally::default();
    for tally in by_part.values() {
        total.merge(tally.clone());
    }
    let mut known: HashMap<PartId, parts::Model> = HashMap::new();
    let ids: Vec<PartId> = by_part.keys().copied().collect();
    for chunk in ids.chunks(500) {
        for part in parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            known.insert(part.id, part);
        }
    }

    let group = params.group.unwrap_or_default();
    let mut entries: Vec<PricingEntry> = match group {
        PricingGroup::Part => by_part
            .into_iter()
            .map(|(id, tally)| {
                let part = known.get(&id);
                tally.entry(format!("part:{id}"), part, part.and_then(|p| p.brand.clone()))
            })
            .collect(),
        PricingGroup::Brand => {
            let mut by_brand: HashMap<Option<String>, Tally> = HashMap::new();
            for (id, tally) in by_part {
                let brand = known.get(&id).and_then(|p| p.brand.clone());
                by_brand.entry(brand).or_default().merge(tally);
            }
            by_brand
                .into_iter()
                .map(|(brand, tally)| {
                    tally.entry(format!("brand:{}", brand.as_deref().unwrap_or_default()), None, brand)
                })
                .collect()
        }
    };
    if let Some(flag) = params.flag {
        entries.retain(|e| e.flags.contains(&flag));
    }
    let by = params.sort.unwrap_or_default();
    let order = params.order.unwrap_or_default();
    entries.sort_by(|a, b| {
        let ordering = match by {
            PricingSort::QuotedLines => a.quoted_lines.cmp(&b.quoted_lines),
            PricingSort::BoughtLines => a.bought_lines.cmp(&b.bought_lines),
            PricingSort::PurchaseRate => a
                .purchase_rate
                .partial_cmp(&b.purchase_rate)
                .unwrap_or(std::cmp::Ordering::Equal),
            PricingSort::RejectedLines => a.rejected_lines.cmp(&b.rejected_lines),
            PricingSort::UnitsBought => a.units_bought.cmp(&b.units_bought),
        };
        let ordering = if order == SortOrder::Desc {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then_with(|| a.key.cmp(&b.key))
    });
    Ok(PricingEntries {
        period,
        group,
        total,
        entries,
    })
}

impl PricingEntries {
    /// Entries in the report (after the filters).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl super::Report for PricingEntries {
    type Page = PricingReport;

    /// One page of entries.
    fn page(self, page: &PageParams) -> Result<Self::Page> {
        let (items, next_cursor) = super::page_of(self.entries, page)?;
        Ok(PricingReport {
            from: self.period.from,
            to: self.period.to,
            group: self.group,
            quoted_lines: self.total.quoted,
            bought_lines: self.total.bought,
            purchase_rate: rate(self.total.bought, self.total.quoted),
            rejections: self.total.rejections,
            by_price_level: self.total.levels(),
            thresholds: THRESHOLDS,
            items,
            next_cursor,
        })
    }

    /// Every entry as CSV, and the file's name.
    fn csv(&self) -> Result<(Vec<u8>, String)> {
        let header = [
            "key",
            "sku",
            "name",
            "brand",
            "quoted_lines",
            "bought_lines",
            "purchase_rate",
            "units_bought",
            "quoted_value",
            "bought_value",
            "rejected_lines",
            "rejected_price",
            "rejected_availability",
            "rejected_delivery",
            "rejected_found_elsewhere",
            "rejected_no_longer_needed",
            "rejected_other",
            "rejected_uncoded",
            "available",
            "flags",
            "reasons",
        ];
        let rows = self.entries.iter().map(|e| {
            let r = &e.rejections;
            let flags: Vec<String> = e
                .flags
                .iter()
                .filter_map(|f| serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)))
                .collect();
            vec![
                e.key.clone(),
                e.sku.clone().unwrap_or_default(),
                e.name.clone().unwrap_or_default(),
                e.brand.clone().unwrap_or_default(),
                e.quoted_lines.to_string(),
                e.bought_lines.to_string(),
                e.purchase_rate.map(|r| format!("{r:.4}")).unwrap_or_default(),
                e.units_bought.to_string(),
                e.quoted_value.clone(),
                e.bought_value.clone(),
                e.rejected_lines.to_string(),
                r.price.to_string(),
                r.availability.to_string(),
                r.delivery.to_string(),
                r.found_elsewhere.to_string(),
                r.no_longer_needed.to_string(),
                r.other.to_string(),
                r.uncoded.to_string(),
                e.available.map(|n| n.to_string()).unwrap_or_default(),
                flags.join(" "),
                e.reasons.join(" | "),
            ]
        });
        let body = super::csv_of(&header, rows)?;
        Ok((body, format!("pricing-{}-{}.csv", self.period.from, self.period.to)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(quoted: i64, bought: i64, price: i64, other: i64) -> Tally {
        let mut t = Tally {
            quoted,
            bought,
            units_bought: bought * 2,
            ..Tally::default()
        };
        t.rejections.price = price;
        t.rejections.other = other;
        t
    }

    #[test]
    fn a_price_review_needs_volume_a_low_rate_and_rejections_mostly_on_price() {
        assert_eq!(tally(10, 3, 3, 3).flags(None), vec![PricingFlag::ReviewPrice]);
        assert_eq!(tally(9, 0, 9, 0).flags(None), vec![], "too few quoted lines");
        assert_eq!(tally(10, 4, 6, 0).flags(None), vec![], "bought too often");
        assert_eq!(tally(10, 0, 2, 0).flags(None), vec![], "too few refused on price");
        assert_eq!(
            tally(10, 0, 3, 4).flags(None),
            vec![],
            "mostly refused for other reasons"
        );
    }

    #[test]
    fn more_stock_needs_purchases_a_high_rate_and_a_shelf_below_the_period_sales() {
        // 5 of 6 bought, 10 units sold.
        assert_eq!(tally(6, 5, 0, 0).flags(Some(9)), vec![PricingFlag::RaiseStock]);
        assert_eq!(
            tally(6, 5, 0, 0).flags(Some(10)),
            vec![],
            "the shelf holds a period's sales"
        );
        assert_eq!(tally(5, 4, 0, 0).flags(Some(0)), vec![], "too few bought");
        assert_eq!(tally(7, 5, 0, 0).flags(Some(0)), vec![], "bought too rarely");
        assert_eq!(tally(6, 5, 0, 0).flags(None), vec![], "a brand has no shelf");
    }
}
