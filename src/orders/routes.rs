//! Order endpoints: staff list and read the dealer's orders and carry them through picking,
//! dispatch, delivery or cancellation; shops read their own and may cancel before dispatch.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::backorders::{BackorderList, BackorderParams};
use super::lifecycle::{self, By, CancelRequest, DeliverRequest, Dispatch, DispatchRequest, Scope};
use super::{OrderList, OrderListParams, OrderResponse};
use crate::auth::{AnyStaff, SalesStaff, Shop};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::problem::Problem;
use crate::idempotency;
use crate::ids::OrderId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(list_backorders))
        .routes(routes!(get_order))
        .routes(routes!(start_picking))
        .routes(routes!(dispatch_order))
        .routes(routes!(deliver_order))
        .routes(routes!(cancel_order))
        .routes(routes!(shop_list_orders))
        .routes(routes!(shop_get_order))
        .routes(routes!(shop_cancel_order))
}

const LIFECYCLE: &str = "States: `confirmed` -> `picking` -> `dispatched` -> `delivered`; `confirmed` may be \
dispatched directly; `confirmed` or `picking` -> `cancelled` (staff with a reason, or the shop). An order is \
`dispatched` from its first shipment; while units are still reserved or backordered, later shipments follow \
(each line says how much is `reserved`, `backorder`, `dispatched`, `delivered`, `cancelled`), and it is \
`delivered` once everything has left and every shipment was received. Of a `dispatched` order, staff may cancel \
what has not left (reserved units back on the shelf, backorders dropped; step `rest_cancelled`, the order stays \
`dispatched` until its shipments arrive, or is `delivered` at once if they have; 409 `nothing_to_cancel` when \
everything has left). Repeating a step already taken answers 200 with the order as it is; a step the state does \
not allow is 409 `invalid_transition` with `current_status`. Each step is recorded in the order's `timeline` and \
sent to the shop's callback and the dealer's webhooks (`order.picking`, `order.backorder_filled`, \
`order.dispatched`, `order.delivered`, `order.cancelled`, `order.rest_cancelled`).";

fn staff_scope(caller: &SalesStaff) -> Scope {
    Scope {
        tenant: caller.tenant,
        customer: None,
    }
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

/// Order lines waiting for stock, oldest first, with what the part's available stock could fill
/// now. After an import or edit that raises stock, `?fillable=true` lists the backorders it can
/// fill; picking or dispatching those orders reserves the units for them.
#[utoipa::path(get, path = "/v1/orders/backorders", tag = "orders", summary = "List backorders",
    params(BackorderParams),
    security(("staff_token" = [])), responses((status = 200, body = BackorderList)))]
#[tracing::instrument(skip_all)]
async fn list_backorders(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<BackorderParams>,
) -> Result<axum::Json<BackorderList>> {
    Ok(axum::Json(
        super::backorders::list(&state.db, caller.tenant, params).await?,
    ))
}

/// One order with its lines, shipments and `timeline`.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders", summary = "Get an order",
    description = LIFECYCLE,
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

/// One of the shop's orders with its lines, shipments and `timeline`.
#[utoipa::path(get, path = "/v1/shop/orders/{id}", tag = "shop", summary = "Get one of the shop's orders",
    description = LIFECYCLE,
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

/// Start picking: reserves what has arrived for the order's backorders first.
#[utoipa::path(post, path = "/v1/orders/{id}/picking", tag = "orders", summary = "Start picking an order",
    description = LIFECYCLE, params(("id" = OrderId, Path, description = "Order id")),
    security(("staff_token" = [])), responses((status = 200, body = OrderResponse),
        (status = 409, description = "Dispatched, delivered or cancelled (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn start_picking(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<OrderId>,
) -> Result<axum::Json<OrderResponse>> {
    let scope = staff_scope(&caller);
    let by = By::Staff(caller.user_id);
    Ok(axum::Json(
        lifecycle::start_picking(&state.db, scope, by, id, state.clock.now()).await?,
    ))
}

const DISPATCH: &str = "A shipment: by `carrier` with `tracking_number`, or by the dealer's own driver \
(`driver_phone`, optionally `driver_name`), with an optional `promised_at`. Without `lines` it carries everything \
reserved, after reserving what has arrived for backorders; a later dispatch carries backordered units once stock \
arrives. Dispatched units leave stock. With an `Idempotency-Key` (recommended), a retry with the same key and body \
within 24 hours answers 200 with the order (header `Idempotent-Replayed: true`) and ships nothing again; the same \
key with another body is 422 (`header.idempotency-key`, `idempotency_key_reused`).";

/// Dispatch a shipment of an order.
#[utoipa::path(post, path = "/v1/orders/{id}/dispatch", tag = "orders", summary = "Dispatch an order",
    description = DISPATCH, request_body = DispatchRequest,
    params(("id" = OrderId, Path, description = "Order id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Unique per shipment (a UUID, say); the same on every retry of it. 1-255 visible ASCII characters.")),
    security(("staff_token" = [])), responses((status = 200, body = OrderResponse),
        (status = 409, description = "Delivered or cancelled (`invalid_transition`), nothing reserved to send (`nothing_to_dispatch`), or a concurrent shipment took the units (`concurrent_dispatch`); `current_status` in the body", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn dispatch_order(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<OrderId>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DispatchRequest>,
) -> Result<Response> {
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => {
            let mut key = idempotency::Request::new(Some(value.as_bytes()), &body)?;
            // Kept apart from the same key on another order, or on a shop's inquiry.
            key.key = format!("dispatch:{id}:{}", key.key);
            Some(key)
        }
    };
    let request = Dispatch::try_from(body)?;
    let scope = staff_scope(&caller);
    let by = By::Staff(caller.user_id);
    let done = lifecycle::dispatch(&state.db, scope, by, id, request, key, state.clock.now()).await?;
    let mut response = axum::Json(done.order).into_response();
    if done.replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Record that the shop received a shipment (`shipment_id`) or every shipment not yet received.
#[utoipa::path(post, path = "/v1/orders/{id}/deliver", tag = "orders", summary = "Record a delivery",
    description = LIFECYCLE, request_body = DeliverRequest, params(("id" = OrderId, Path, description = "Order id")),
    security(("staff_token" = [])), responses((status = 200, body = OrderResponse),
        (status = 409, description = "Not dispatched yet, or cancelled (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn deliver_order(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(body): ApiJson<DeliverRequest>,
) -> Result<axum::Json<OrderResponse>> {
    let scope = staff_scope(&caller);
    let by = By::Staff(caller.user_id);
    Ok(axum::Json(
        lifecycle::deliver(&state.db, scope, by, id, body, state.clock.now()).await?,
    ))
}

/// Cancel an order before dispatch, or what has not left of a dispatched one, with a reason:
/// reserved units go back on the shelf, backorders are dropped.
#[utoipa::path(post, path = "/v1/orders/{id}/cancel", tag = "orders", summary = "Cancel an order, or its rest",
    description = LIFECYCLE, request_body = CancelRequest, params(("id" = OrderId, Path, description = "Order id")),
    security(("staff_token" = [])), responses((status = 200, body = OrderResponse),
        (status = 409, description = "Delivered (`invalid_transition`, with `current_status`), everything has left (`nothing_to_cancel`), or a concurrent shipment took the units (`concurrent_dispatch`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn cancel_order(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(body): ApiJson<CancelRequest>,
) -> Result<axum::Json<OrderResponse>> {
    let scope = staff_scope(&caller);
    let by = By::Staff(caller.user_id);
    Ok(axum::Json(
        lifecycle::cancel(&state.db, scope, by, id, body, state.clock.now()).await?,
    ))
}

/// The shop cancels one of its orders before it is dispatched (a `reason` is welcome).
#[utoipa::path(post, path = "/v1/shop/orders/{id}/cancel", tag = "shop", summary = "Cancel one of the shop's orders",
    description = LIFECYCLE, request_body = CancelRequest, params(("id" = OrderId, Path, description = "Order id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = OrderResponse),
        (status = 409, description = "Dispatched or delivered (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn shop_cancel_order(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(body): ApiJson<CancelRequest>,
) -> Result<axum::Json<OrderResponse>> {
    let scope = Scope {
        tenant: shop.tenant,
        customer: Some(shop.customer.id),
    };
    let by = By::Shop(shop.key_id);
    Ok(axum::Json(
        lifecycle::cancel(&state.db, scope, by, id, body, state.clock.now()).await?,
    ))
}
