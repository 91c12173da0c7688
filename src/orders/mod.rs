//! Orders: what a shop bought by accepting a quote, with each line's part, quantity and price
//! as they were at purchase time.

pub mod routes;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::db::TenantScoped;
use crate::entities::{order_lines, orders, quote_lines};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{ApiKeyId, CustomerId, InquiryId, OrderId, OrderLineId, PartId, QuoteId, QuoteLineId, TenantId};
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderLineResponse {
    pub id: OrderLineId,
    pub quote_line_id: QuoteLineId,
    pub part_id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units bought.
    pub quantity: i32,
    /// Of those, units beyond the stock there was when quoted.
    pub backorder_quantity: i32,
    pub unit_price: String,
    pub line_total: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderResponse {
    pub id: OrderId,
    pub quote_id: QuoteId,
    pub inquiry_id: InquiryId,
    pub customer_id: CustomerId,
    pub currency: String,
    pub total: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<OrderLineResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<OrderResponse>,
    pub next_cursor: Option<String>,
}

/// An order to write: what the shop bought from one quote, as it was priced.
pub struct NewOrder {
    pub tenant: TenantId,
    pub customer: CustomerId,
    pub quote: QuoteId,
    pub inquiry: InquiryId,
    pub currency: String,
    /// The API key the shop accepted with.
    pub key: Option<ApiKeyId>,
    /// When the quote's inquiry arrived: its lines' purchases count in that period.
    pub inquiry_received_at: DateTime<Utc>,
    pub lines: Vec<NewOrderLine>,
}

/// One bought line of a quote.
pub struct NewOrderLine {
    pub quote_line: QuoteLineId,
    pub part: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    /// Units bought.
    pub quantity: i32,
    /// Units the quote could ship from stock; the rest of `quantity` is backorder.
    pub quoted_from_stock: i32,
    pub unit_price_minor: i64,
}

/// Writes the order (inside the accepting transaction): its lines, the quote lines it marks
/// bought, the rollups, the reminders it converts and the `order_created` event.
pub async fn create(txn: &impl ConnectionTrait, new: NewOrder, now: DateTime<Utc>) -> Result<OrderResponse> {
    let id = OrderId::generate();
    let total: i64 = new
        .lines
        .iter()
        .map(|l| l.unit_price_minor * i64::from(l.quantity))
        .sum();
    let order = orders::ActiveModel {
        id: Set(id),
        tenant_id: Set(new.tenant),
        customer_id: Set(new.customer),
        quote_id: Set(new.quote),
        inquiry_id: Set(new.inquiry),
        api_key_id: Set(new.key),
        currency: Set(new.currency.clone()),
        total_minor: Set(total),
        line_count: Set(i32::try_from(new.lines.len()).unwrap_or(i32::MAX)),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let lines: Vec<order_lines::Model> = new
        .lines
        .iter()
        .map(|l| order_lines::Model {
            id: OrderLineId::generate(),
            tenant_id: new.tenant,
            order_id: id,
            customer_id: new.customer,
            quote_line_id: l.quote_line,
            part_id: l.part,
            sku: l.sku.clone(),
            name: l.name.clone(),
            brand: l.brand.clone(),
            quantity: l.quantity,
            // Units beyond what was in stock when quoted are on backorder.
            backorder_quantity: (l.quantity - l.quoted_from_stock).max(0),
            unit_price_minor: l.unit_price_minor,
            line_total_minor: l.unit_price_minor * i64::from(l.quantity),
            ordered_at: now,
        })
        .collect();
    crate::db::insert_chunked(txn, lines.iter().cloned().map(order_lines::ActiveModel::from).collect()).await?;
    quote_lines::Entity::scoped_update(new.tenant)
        .col_expr(quote_lines::Column::Bought, Expr::value(true))
        .filter(quote_lines::Column::Id.is_in(lines.iter().map(|l| l.quote_line_id)))
        .exec(txn)
        .await?;
    // An order that follows a reminder converts it.
    let tenant = crate::tenants::find(txn, new.tenant).await?;
    let bought_lines: std::collections::HashSet<_> = lines.iter().map(|l| l.quote_line_id).collect();
    // Lines count where their inquiry arrived (the quote was drafted then), orders where placed.
    for (at, delta) in [
        (
            new.inquiry_received_at,
            crate::metrics::rollup::Delta {
                bought: i64::try_from(bought_lines.len()).unwrap_or(i64::MAX),
                ..Default::default()
            },
        ),
        (
            now,
            crate::metrics::rollup::Delta {
                orders: 1,
                order_value_minor: total,
                ..Default::default()
            },
        ),
    ] {
        crate::metrics::rollup::add(txn, &tenant, new.customer, at, &delta).await?;
    }
    let parts: Vec<PartId> = lines.iter().map(|l| l.part_id).collect();
    crate::reminders::engine::convert_for_order(txn, &tenant, new.customer, &parts, id, now).await?;
    crate::events::record(
        txn,
        NewEvent {
            tenant: new.tenant,
            customer: Some(new.customer),
            kind: EventKind::OrderCreated,
            subject: id.to_string(),
            actor: new.key.map(|k| k.to_string()),
            at: now,
            payload: json!({
                "order_id": id,
                "quote_id": new.quote,
                "total_minor": total,
                "currency": new.currency,
                "lines": lines.len(),
            }),
        },
    )
    .await?;
    Ok(respond(order, lines))
}

fn respond(order: orders::Model, lines: Vec<order_lines::Model>) -> OrderResponse {
    OrderResponse {
        id: order.id,
        quote_id: order.quote_id,
        inquiry_id: order.inquiry_id,
        customer_id: order.customer_id,
        currency: order.currency,
        total: format_price(order.total_minor),
        created_at: order.created_at,
        lines: lines
            .into_iter()
            .map(|l| OrderLineResponse {
                id: l.id,
                quote_line_id: l.quote_line_id,
                part_id: l.part_id,
                sku: l.sku,
                name: l.name,
                brand: l.brand,
                quantity: l.quantity,
                backorder_quantity: l.backorder_quantity,
                unit_price: format_price(l.unit_price_minor),
                line_total: format_price(l.line_total_minor),
            })
            .collect(),
    }
}

async fn with_lines(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    found: Vec<orders::Model>,
) -> Result<Vec<OrderResponse>> {
    let ids: Vec<OrderId> = found.iter().map(|o| o.id).collect();
    let mut lines: std::collections::HashMap<OrderId, Vec<order_lines::Model>> = Default::default();
    for line in order_lines::Entity::scoped(tenant)
        .filter(order_lines::Column::OrderId.is_in(ids))
        .order_by_asc(order_lines::Column::Id)
        .all(db)
        .await?
    {
        lines.entry(line.order_id).or_default().push(line);
    }
    Ok(found
        .into_iter()
        .map(|o| {
            let l = lines.remove(&o.id).unwrap_or_default();
            respond(o, l)
        })
        .collect())
}

/// The order for a quote, if it was accepted.
pub async fn for_quote(db: &impl ConnectionTrait, tenant: TenantId, quote: QuoteId) -> Result<Option<OrderResponse>> {
    let found = orders::Entity::scoped(tenant)
        .filter(orders::Column::QuoteId.eq(quote))
        .all(db)
        .await?;
    Ok(with_lines(db, tenant, found).await?.pop())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this customer's orders (staff only).
    pub customer_id: Option<CustomerId>,
    /// The same as `customer_id` (the older name).
    pub customer: Option<CustomerId>,
    /// Only orders placed from then on: a day in the dealer's time zone (`2026-12-01`) or an
    /// RFC 3339 instant.
    pub from: Option<String>,
    /// Only orders placed up to then: a day in the dealer's time zone (`2026-12-01`, the whole
    /// day included) or an RFC 3339 instant (excluded).
    pub to: Option<String>,
}

impl OrderListParams {
    /// The customer a staff member asked for, by either name.
    pub fn customer(&self) -> Result<Option<CustomerId>> {
        match (self.customer_id, self.customer) {
            (Some(a), Some(b)) if a != b => Err(Error::field(
                "query.customer_id",
                "conflict",
                "`customer_id` and `customer` name different customers",
            )),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// Orders of the dealer (of one customer, given one), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    customer: Option<CustomerId>,
    params: OrderListParams,
) -> Result<OrderList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let zone = crate::tenants::find(db, tenant).await?.tz();
    let (from, to) = crate::pagination::window(params.from.as_deref(), params.to.as_deref(), zone)?;
    let mut query = orders::Entity::scoped(tenant).order_by_desc(orders::Column::Id);
    if let Some(before) = page.cursor::<OrderId>()? {
        query = query.filter(orders::Column::Id.lt(before));
    }
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    if let Some(from) = from {
        query = query.filter(orders::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(orders::Column::CreatedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |o| o.id);
    Ok(OrderList {
        items: with_lines(db, tenant, rows).await?,
        next_cursor,
    })
}

/// One order of the dealer (only if it is the customer's, given one).
pub async fn find(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    customer: Option<CustomerId>,
    id: OrderId,
) -> Result<OrderResponse> {
    let mut query = orders::Entity::scoped_by_id(tenant, id);
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    let found = query.all(db).await?;
    with_lines(db, tenant, found)
        .await?
        .pop()
        .ok_or(Error::not_found("order"))
}
