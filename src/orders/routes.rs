//! Order endpoints: staff list and read the dealer's orders; shops their own.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{OrderList, OrderListParams, OrderResponse};
use crate::auth::{AnyStaff, Shop};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::ids::OrderId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(shop_list_orders))
        .routes(routes!(shop_get_order))
}

/// The dealer's orders, newest first; each names the quote it was made from (`quote_id`).
#[utoipa::path(get, path = "/v1/orders", tag = "orders", summary = "List orders", params(OrderListParams),
    security(("staff_token" = [])), responses((status = 200, body = OrderList)))]
#[tracing::instrument(skip_all)]
async fn list_orders(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<OrderListParams>,
) -> Result<axum::Json<OrderList>> {
    let customer = params.customer()?;
    Ok(axum::Json(
        super::list(&state.db, caller.tenant, customer, params).await?,
    ))
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
    Ok(axum::Json(super::find(&state.db, caller.tenant, None, id).await?))
}

/// The shop's own orders, newest first (`customer_id` and `customer` are ignored).
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
        super::list(&state.db, shop.tenant, Some(shop.customer.id), params).await?,
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
    Ok(axum::Json(
        super::find(&state.db, shop.tenant, Some(shop.customer.id), id).await?,
    ))
}
