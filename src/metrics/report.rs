//! The reports: the dealer's summary, the per-customer table (JSON or CSV) and one
//! customer's figures against the previous period.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::query::{self, Group, Key, Scope};
use super::{Figures, Interval, Period};
use crate::customers::CustomerRef;
use crate::db::TenantScoped;
use crate::entities::returns::ReturnReason;
use crate::entities::{customers, tenants};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, TenantId};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// First day (`YYYY-MM-DD`, the dealer's time zone); default: 29 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, included; default today. A period is at most 731 days.
    pub to: Option<NaiveDate>,
    /// Bucket size of the time series: `day` (default), `week` (from Monday) or `month`.
    pub interval: Option<Interval>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    pub from: NaiveDate,
    /// Last day of the bucket, included.
    pub to: NaiveDate,
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryResponse {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub time_zone: String,
    pub currency: String,
    pub totals: Figures,
    pub series: Vec<Bucket>,
}

struct Resolved {
    tenant: tenants::Model,
    scope: Scope,
}

async fn resolve(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    customer: Option<CustomerId>,
    now: DateTime<Utc>,
) -> Result<Resolved> {
    let tenant = crate::tenants::find(db, tenant).await?;
    let period = Period::parse(from, to, tenant.today(now))?;
    let scope = Scope {
        tenant: tenant.id,
        customer,
        period,
    };
    Ok(Resolved { tenant, scope })
}

/// Totals and the time series of one scope.
async fn series(db: &impl ConnectionTrait, scope: &Scope, interval: Interval) -> Result<(Figures, Vec<Bucket>)> {
    let buckets = scope.period.buckets(interval);
    if buckets.len() > super::BUCKETS_MAX {
        return Err(Error::field(
            "query.interval",
            "too_many_buckets",
            format!("at most {} buckets: choose a longer interval", super::BUCKETS_MAX),
        ));
    }
    let (totals, mut by_bucket) = query::series(db, scope, &buckets).await?;
    let series = buckets
        .into_iter()
        .enumerate()
        .map(|(i, (from, to))| Bucket {
            from,
            to,
            figures: by_bucket.remove(&Key::Bucket(i)).unwrap_or_default().into(),
        })
        .collect();
    Ok((totals.into(), series))
}

/// The dealer's figures for a period, with a time series.
pub async fn summary(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: SummaryParams,
    now: DateTime<Utc>,
) -> Result<SummaryResponse> {
    let r = resolve(db, tenant, (params.from, params.to), None, now).await?;
    let interval = params.interval.unwrap_or_default();
    let (totals, series) = series(db, &r.scope, interval).await?;
    Ok(SummaryResponse {
        from: r.scope.period.from,
        to: r.scope.period.to,
        interval,
        time_zone: r.tenant.time_zone,
        currency: r.tenant.currency,
        totals,
        series,
    })
}

/// Columns the customer table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Name,
    Inquiries,
    InquiryLines,
    QuotedLines,
    BoughtLines,
    AutoMatchedLines,
    QuoteRate,
    PurchaseRate,
    AutoMatchRate,
    ResponseTimeP50Seconds,
    ResponseTimeP90Seconds,
    Orders,
    #[default]
    OrderValue,
    RemindersRaised,
    RemindersConverted,
    FillRate,
    BackorderRate,
    OnTimeRate,
    ReturnRate,
    OrderToDispatchP50Seconds,
    OrderToDeliveryP50Seconds,
    ReturnResolutionP50Seconds,
    ProactiveQuotesSent,
    ProactiveValue,
}

pub use crate::pagination::SortOrder;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerTableParams {
    /// First day (`YYYY-MM-DD`, the dealer's time zone); default: 29 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, included; default today.
    pub to: Option<NaiveDate>,
    /// Any figure's name, or `name`; default `order_value`. Empty figures (`null`) sort last.
    pub sort: Option<SortBy>,
    /// `desc` (default) or `asc`.
    pub order: Option<SortOrder>,
    /// Rows per page, 1-200 (default 50); a CSV export has every row.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerRow {
    pub customer: CustomerRef,
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerTable {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<CustomerRow>,
    pub next_cursor: Option<String>,
}

/// A sort key: `None` (no figure) sorts last in either order.
fn sort_key(row: &CustomerRow, by: SortBy) -> Option<f64> {
    let f = &row.figures;
    let n = |v: i64| Some(v as f64);
    match by {
        SortBy::Name => None,
        SortBy::Inquiries => n(f.inquiries),
        SortBy::InquiryLines => n(f.inquiry_lines),
        SortBy::QuotedLines => n(f.quoted_lines),
        SortBy::BoughtLines => n(f.bought_lines),
        SortBy::AutoMatchedLines => n(f.auto_matched_lines),
        SortBy::QuoteRate => f.quote_rate,
        SortBy::PurchaseRate => f.purchase_rate,
        SortBy::AutoMatchRate => f.auto_match_rate,
        SortBy::ResponseTimeP50Seconds => f.response_time_p50_seconds,
        SortBy::ResponseTimeP90Seconds => f.response_time_p90_seconds,
        SortBy::Orders => n(f.orders),
        SortBy::OrderValue => f.order_value.parse().ok(),
        SortBy::RemindersRaised => n(f.reminders_raised),
        SortBy::RemindersConverted => n(f.reminders_converted),
        SortBy::FillRate => f.fill_rate,
        SortBy::BackorderRate => f.backorder_rate,
        SortBy::OnTimeRate => f.on_time_rate,
        SortBy::ReturnRate => f.return_rate,
        SortBy::OrderToDispatchP50Seconds => f.order_to_dispatch_p50_seconds,
        SortBy::OrderToDeliveryP50Seconds => f.order_to_delivery_p50_seconds,
        SortBy::ReturnResolutionP50Seconds => f.return_resolution_p50_seconds,
        SortBy::ProactiveQuotesSent => n(f.proactive_quotes_sent),
        SortBy::ProactiveValue => f.proactive_value.parse().ok(),
    }
}

/// The CSV's columns after the customer's id and name: every figure, flat.
fn csv_columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "inquiries",
        "inquiry_lines",
        "quoted_lines",
        "bought_lines",
        "auto_matched_lines",
        "quote_rate",
        "purchase_rate",
        "auto_match_rate",
        "response_time_p50_seconds",
        "response_time_p90_seconds",
        "orders",
        "order_value",
        "reminders_raised",
        "reminders_converted",
        "reminder_conversion_rate",
        "units_ordered",
        "units_backordered",
        "backorder_rate",
        "units_cancelled_by_shop",
        "units_delivered",
        "fill_rate",
        "orders_dispatched",
        "order_to_dispatch_p50_seconds",
        "order_to_dispatch_p90_seconds",
        "orders_delivered",
        "order_to_delivery_p50_seconds",
        "order_to_delivery_p90_seconds",
        "shipments_promised",
        "shipments_on_time",
        "on_time_rate",
        "returns",
        "returned_units",
        "return_rate",
    ]
    .map(str::to_owned)
    .to_vec();
    for reason in ReturnReason::ALL {
        columns.push(format!("returned_units_{}", reason.as_str()));
        columns.push(format!("return_rate_{}", reason.as_str()));
    }
    columns.extend(
        [
            "returns_resolved",
            "return_resolution_p50_seconds",
            "return_resolution_p90_seconds",
            "proactive_quotes_sent",
            "proactive_quotes_accepted",
            "proactive_acceptance_rate",
            "proactive_value",
        ]
        .map(str::to_owned),
    );
    columns
}

/// The figures in the order of [`csv_columns`].
fn csv_values(f: &Figures) -> Vec<String> {
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut values = vec![
        f.inquiries.to_string(),
        f.inquiry_lines.to_string(),
        f.quoted_lines.to_string(),
        f.bought_lines.to_string(),
        f.auto_matched_lines.to_string(),
        opt(f.quote_rate),
        opt(f.purchase_rate),
        opt(f.auto_match_rate),
        opt(f.response_time_p50_seconds),
        opt(f.response_time_p90_seconds),
        f.orders.to_string(),
        f.order_value.clone(),
        f.reminders_raised.to_string(),
        f.reminders_converted.to_string(),
        opt(f.reminder_conversion_rate),
        f.units_ordered.to_string(),
        f.units_backordered.to_string(),
        opt(f.backorder_rate),
        f.units_cancelled_by_shop.to_string(),
        f.units_delivered.to_string(),
        opt(f.fill_rate),
        f.orders_dispatched.to_string(),
        opt(f.order_to_dispatch_p50_seconds),
        opt(f.order_to_dispatch_p90_seconds),
        f.orders_delivered.to_string(),
        opt(f.order_to_delivery_p50_seconds),
        opt(f.order_to_delivery_p90_seconds),
        f.shipments_promised.to_string(),
        f.shipments_on_time.to_string(),
        opt(f.on_time_rate),
        f.returns.to_string(),
        f.returned_units.to_string(),
        opt(f.return_rate),
    ];
    for reason in ReturnReason::ALL {
        values.push(f.returned_units_by_reason.get(reason).to_string());
        values.push(opt(*f.return_rate_by_reason.get(reason)));
    }
    values.extend([
        f.returns_resolved.to_string(),
        opt(f.return_resolution_p50_seconds),
        opt(f.return_resolution_p90_seconds),
        f.proactive_quotes_sent.to_string(),
        f.proactive_quotes_accepted.to_string(),
        opt(f.proactive_acceptance_rate),
        f.proactive_value.clone(),
    ]);
    values
}

fn csv(rows: &[CustomerRow]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["customer_id".to_owned(), "customer_name".to_owned()];
    header.extend(csv_columns());
    out.write_record(&header).map_err(anyhow::Error::from)?;
    for row in rows {
        let mut record = vec![row.customer.id.to_string(), row.customer.name.clone()];
        record.extend(csv_values(&row.figures));
        out.write_record(&record).map_err(anyhow::Error::from)?;
    }
    Ok(out.into_inner().map_err(|e| anyhow::anyhow!(e.to_string()))?)
}

/// The rows of the customer table, sorted as asked: one per customer (archived customers
/// included when they had activity in the period).
pub struct CustomerRows {
    pub period: Period,
    pub rows: Vec<CustomerRow>,
}

impl CustomerRows {
    /// One page of the table.
    pub fn page(self, offset: usize, limit: usize) -> CustomerTable {
        let total = self.rows.len();
        let items: Vec<CustomerRow> = self.rows.into_iter().skip(offset).take(limit).collect();
        let next = offset + items.len();
        CustomerTable {
            from: self.period.from,
            to: self.period.to,
            items,
            next_cursor: (next < total).then(|| next.to_string()),
        }
    }

    /// Every row as CSV, and the file's name.
    pub fn csv(&self) -> Result<(Vec<u8>, String)> {
        Ok((
            csv(&self.rows)?,
            format!("customer-metrics-{}-{}.csv", self.period.from, self.period.to),
        ))
    }
}

/// The customer table, sorted by any figure (empty figures last in either order).
pub async fn customer_rows(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    params: &CustomerTableParams,
    now: DateTime<Utc>,
) -> Result<CustomerRows> {
    let r = resolve(db, tenant, (params.from, params.to), None, now).await?;
    let mut counts = query::counts(db, &r.scope, &Group::Customer).await?;
    let all = customers::Entity::scoped(tenant)
        .order_by_asc(customers::Column::Name)
        .all(db)
        .await?;
    let mut rows: Vec<CustomerRow> = all
        .into_iter()
        .filter_map(|c| {
            let counts = counts.remove(&Key::Customer(c.id));
            // Archived customers appear only for the periods they were active in.
            if c.deleted_at.is_some() && counts.is_none() {
                return None;
            }
            Some(CustomerRow {
                customer: CustomerRef { id: c.id, name: c.name },
                figures: counts.unwrap_or_default().into(),
            })
        })
        .collect();
    let by = params.sort.unwrap_or_default();
    let order = params.order.unwrap_or_default();
    rows.sort_by(|a, b| {
        let ordering = if by == SortBy::Name {
            a.customer.name.cmp(&b.customer.name)
        } else {
            match (sort_key(a, by), sort_key(b, by)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        let ordering = if order == SortOrder::Desc {
            ordering.reverse()
        } else {
            ordering
        };
        ordering.then_with(|| a.customer.id.cmp(&b.customer.id))
    });
    Ok(CustomerRows {
        period: r.scope.period,
        rows,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Trend {
    /// Current minus previous, in rate units (0.05 = five points better).
    pub quote_rate: Option<f64>,
    pub purchase_rate: Option<f64>,
    pub auto_match_rate: Option<f64>,
    /// Current minus previous, seconds (negative = faster).
    pub response_time_p50_seconds: Option<f64>,
    pub fill_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub return_rate: Option<f64>,
    /// Current minus previous, seconds (negative = faster).
    pub order_to_delivery_p50_seconds: Option<f64>,
    pub inquiries: i64,
    pub orders: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviousPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerMetrics {
    pub customer: CustomerRef,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub figures: Figures,
    /// The period of equal length just before.
    pub previous: PreviousPeriod,
    pub trend: Trend,
    pub series: Vec<Bucket>,
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(((a? - b?) * 10_000.0).round() / 10_000.0)
}

/// One customer's figures, time series, and trend against the previous period of equal length.
pub async fn customer_detail(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: CustomerId,
    params: SummaryParams,
    now: DateTime<Utc>,
) -> Result<CustomerMetrics> {
    // Archived customers keep their history.
    let customer = customers::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("customer"))?;
    let r = resolve(db, tenant, (params.from, params.to), Some(id), now).await?;
    let interval = params.interval.unwrap_or_default();
    let (figures, series) = series(db, &r.scope, interval).await?;
    let previous_period = r.scope.period.previous();
    let previous_scope = Scope {
        period: previous_period,
        ..r.scope
    };
    let previous: Figures = query::counts(db, &previous_scope, &Group::Total)
        .await?
        .get(&Key::Total)
        .cloned()
        .unwrap_or_default()
        .into();
    let trend = Trend {
        quote_rate: diff(figures.quote_rate, previous.quote_rate),
        purchase_rate: diff(figures.purchase_rate, previous.purchase_rate),
        auto_match_rate: diff(figures.auto_match_rate, previous.auto_match_rate),
        response_time_p50_seconds: diff(figures.response_time_p50_seconds, previous.response_time_p50_seconds),
        fill_rate: diff(figures.fill_rate, previous.fill_rate),
        on_time_rate: diff(figures.on_time_rate, previous.on_time_rate),
        return_rate: diff(figures.return_rate, previous.return_rate),
        order_to_delivery_p50_seconds: diff(
            figures.order_to_delivery_p50_seconds,
            previous.order_to_delivery_p50_seconds,
        ),
        inquiries: figures.inquiries - previous.inquiries,
        orders: figures.orders - previous.orders,
    };
    Ok(CustomerMetrics {
        customer: CustomerRef {
            id: customer.id,
            name: customer.name,
        },
        from: r.scope.period.from,
        to: r.scope.period.to,
        interval,
        figures,
        previous: PreviousPeriod {
            from: previous_period.from,
            to: previous_period.to,
            figures: previous,
        },
        trend,
        series,
    })
}
