//! Orders: what a shop bought by accepting a quote, with each line's part, quantity and price
//! as they were at purchase time.

use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AnyStaff, Shop};
use crate::db::TenantScoped;
use crate::entities::{order_lines, orders, quote_lines, quote_options};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::http::AppState;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::ids::{ApiKeyId, CustomerId, InquiryId, OrderId, OrderLineId, PartId, QuoteId, QuoteLineId, TenantId};
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};
use crate::quotes::FullQuote;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(shop_list_orders))
        .routes(routes!(shop_get_order))
}

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

/// One accepted line: which option, how many.
pub struct Bought<'a> {
    pub option: &'a quote_options::Model,
    pub quantity: i32,
}

/// Writes the order for an accepted quote (inside the accepting transaction).
pub async fn create(
    txn: &impl ConnectionTrait,
    full: &FullQuote,
    bought: &[Bought<'_>],
    key: Option<ApiKeyId>,
    now: DateTime<Utc>,
) -> Result<OrderResponse> {
    let quote = &full.quote;
    let id = OrderId::generate();
    let total: i64 = bought
        .iter()
        .map(|b| b.option.unit_price_minor * i64::from(b.quantity))
        .sum();
    let order = orders::ActiveModel {
        id: Set(id),
        tenant_id: Set(quote.tenant_id),
        customer_id: Set(quote.customer_id),
        quote_id: Set(quote.id),
        inquiry_id: Set(quote.inquiry_id),
        api_key_id: Set(key),
        currency: Set(quote.currency.clone()),
        total_minor: Set(total),
        line_count: Set(i32::try_from(bought.len()).unwrap_or(i32::MAX)),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let lines: Vec<order_lines::Model> = bought
        .iter()
        .map(|b| {
            let o = b.option;
            order_lines::Model {
                id: OrderLineId::generate(),
                tenant_id: quote.tenant_id,
                order_id: id,
                customer_id: quote.customer_id,
                quote_line_id: o.quote_line_id,
                part_id: o.part_id,
                sku: o.sku.clone(),
                name: o.name.clone(),
                brand: o.brand.clone(),
                quantity: b.quantity,
                // Units beyond what was in stock when quoted are on backorder.
                backorder_quantity: (b.quantity - o.quantity).max(0),
                unit_price_minor: o.unit_price_minor,
                line_total_minor: o.unit_price_minor * i64::from(b.quantity),
                ordered_at: now,
            }
        })
        .collect();
    crate::db::insert_chunked(txn, lines.iter().cloned().map(order_lines::ActiveModel::from).collect()).await?;
    quote_lines::Entity::scoped_update(quote.tenant_id)
        .col_expr(quote_lines::Column::Bought, Expr::value(true))
        .filter(quote_lines::Column::Id.is_in(lines.iter().map(|l| l.quote_line_id)))
        .exec(txn)
        .await?;
    // An order that follows a reminder converts it.
    let tenant = crate::tenants::find(txn, quote.tenant_id).await?;
    let bought_lines: std::collections::HashSet<_> = lines.iter().map(|l| l.quote_line_id).collect();
    // Lines count where their inquiry arrived (the quote was drafted then), orders where placed.
    for (at, delta) in [
        (
            quote.created_at,
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
        crate::metrics::rollup::add(txn, &tenant, quote.customer_id, at, &delta).await?;
    }
    let parts: Vec<PartId> = lines.iter().map(|l| l.part_id).collect();
    crate::reminders::engine::convert_for_order(txn, &tenant, quote.customer_id, &parts, id, now).await?;
    crate::events::record(
        txn,
        NewEvent {
            tenant: quote.tenant_id,
            customer: Some(quote.customer_id),
            kind: EventKind::OrderCreated,
            subject: id.to_string(),
            actor: key.map(|k| k.to_string()),
            at: now,
            payload: json!({
                "order_id": id,
                "quote_id": quote.id,
                "total_minor": total,
                "currency": quote.currency,
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
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this customer's orders (staff only).
    pub customer: Option<CustomerId>,
    /// Only orders placed at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Only orders placed before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

async fn list(
    state: &AppState,
    tenant: TenantId,
    customer: Option<CustomerId>,
    params: OrderListParams,
) -> Result<OrderList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let mut query = orders::Entity::scoped(tenant).order_by_desc(orders::Column::Id);
    if let Some(before) = page.cursor::<OrderId>()? {
        query = query.filter(orders::Column::Id.lt(before));
    }
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    if let Some(from) = params.from {
        query = query.filter(orders::Column::CreatedAt.gte(from));
    }
    if let Some(to) = params.to {
        query = query.filter(orders::Column::CreatedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(&state.db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |o| o.id);
    Ok(OrderList {
        items: with_lines(&state.db, tenant, rows).await?,
        next_cursor,
    })
}

async fn find(state: &AppState, tenant: TenantId, customer: Option<CustomerId>, id: OrderId) -> Result<OrderResponse> {
    let mut query = orders::Entity::scoped_by_id(tenant, id);
    if let Some(customer) = customer {
        query = query.filter(orders::Column::CustomerId.eq(customer));
    }
    let found = query.all(&state.db).await?;
    with_lines(&state.db, tenant, found)
        .await?
        .pop()
        .ok_or(Error::not_found("order"))
}

/// The dealer's orders, newest first.
#[utoipa::path(get, path = "/v1/orders", tag = "orders", summary = "List orders", params(OrderListParams),
    security(("staff_token" = [])), responses((status = 200, body = OrderList)))]
#[tracing::instrument(skip_all)]
async fn list_orders(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<OrderListParams>,
) -> Result<axum::Json<OrderList>> {
    let customer = params.customer;
    Ok(axum::Json(list(&state, caller.tenant, customer, params).await?))
}

#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders", summary = "Get an order",
    params(("id" = OrderId, Path, description = "Order id")),
    security(("staff_token" = [])), responses((status = 200, body = OrderResponse)))]
#[tracing::instrument(skip_all)]
async fn get_order(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<OrderId>,
) -> Result<axum::Json<OrderResponse>> {
    Ok(axum::Json(find(&state, caller.tenant, None, id).await?))
}

/// The shop's own orders, newest first (`customer` is ignored).
#[utoipa::path(get, path = "/v1/shop/orders", tag = "shop", summary = "List the shop's orders",
    params(OrderListParams),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = OrderList)))]
#[tracing::instrument(skip_all)]
async fn shop_list_orders(
    State(state): State<AppState>,
    shop: Shop,
    ApiQuery(params): ApiQuery<OrderListParams>,
) -> Result<axum::Json<OrderList>> {
    Ok(axum::Json(
        list(&state, shop.tenant, Some(shop.customer.id), params).await?,
    ))
}

#[utoipa::path(get, path = "/v1/shop/orders/{id}", tag = "shop", summary = "Get one of the shop's orders",
    params(("id" = OrderId, Path, description = "Order id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = OrderResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_get_order(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<OrderId>,
) -> Result<axum::Json<OrderResponse>> {
    Ok(axum::Json(find(&state, shop.tenant, Some(shop.customer.id), id).await?))
}
