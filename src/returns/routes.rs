//! Return endpoints: shops open returns on their delivered orders and follow them; staff list,
//! read, accept, reject and resolve them.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    AcceptReturnRequest, CreateReturnRequest, NewReturn, RejectReturnRequest, ResolveReturnRequest, ReturnList,
    ReturnListParams, ReturnResponse, Scope,
};
use crate::auth::{AnyStaff, SalesStaff, Shop};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::problem::Problem;
use crate::idempotency;
use crate::ids::{OrderId, ReturnId};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_return))
        .routes(routes!(shop_list_returns))
        .routes(routes!(shop_get_return))
        .routes(routes!(list_returns))
        .routes(routes!(get_return))
        .routes(routes!(accept_return))
        .routes(routes!(reject_return))
        .routes(routes!(resolve_return))
}

const LIFECYCLE: &str = "States: `requested` -> `accepted` (with `pickup` or `drop_off`) -> `resolved` (`refund` \
or `credit_note` with an amount, or `replacement`: a new order linked by `replacement_order_id`, reserved like any \
order, at no charge); or `requested` -> `rejected` with a reason. Repeating a step already taken answers 200 with \
the return as it is; a step the state does not allow is 409 `invalid_transition` with `current_status`. Accepting a \
`wrong_part` or `wrong_fitment` return records each returned part as wrong for the inquiry line it was quoted for \
(the match memory ranks it last for such lines and says why). Resolving puts the units back in stock unless the \
reason is `defective` or `damaged_in_transit`. Each step is an event and is sent to the shop's callback and the \
dealer's webhooks (`return.requested`, `return.accepted`, `return.rejected`, `return.resolved`).";

const CREATE: &str = "Lines and units of the order, each at most what was delivered less what is in the order's \
other returns not rejected (422 `exceeds_returnable` naming `/lines/N/quantity`). Within the dealer's \
`return_window_days` (settings) of the last received shipment carrying each line, else 409 `return_window_closed`. \
`Idempotency-Key` is required: a retry with the same key and body within 24 hours returns the original response \
(header `Idempotent-Replayed: true`) and opens nothing; the same key with another body is 422 \
(`header.idempotency-key`, `idempotency_key_reused`).";

fn staff(tenant: crate::ids::TenantId) -> Scope {
    Scope { tenant, customer: None }
}

fn shop_scope(shop: &Shop) -> Scope {
    Scope {
        tenant: shop.tenant,
        customer: Some(shop.customer.id),
    }
}

/// Open a return on one of the shop's orders.
#[utoipa::path(post, path = "/v1/shop/orders/{id}/returns", tag = "shop", summary = "Open a return",
    description = CREATE, request_body = CreateReturnRequest,
    params(("id" = OrderId, Path, description = "Order id"),
        ("Idempotency-Key" = String, Header, description = "Unique per return (a UUID, say); the same on every retry of it. 1-255 visible ASCII characters.")),
    security(("shop_key" = []), ("shop_key_header" = [])),
    responses((status = 201, body = ReturnResponse, headers(("location" = String, description = "The return's URL"))),
        (status = 409, description = "Past the return window (`return_window_closed`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn create_return(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<OrderId>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateReturnRequest>,
) -> Result<Response> {
    let mut key = idempotency::Request::new(headers.get(idempotency::HEADER).map(HeaderValue::as_bytes), &body)?;
    // Kept apart from the same key on another order, or on an inquiry.
    key.key = format!("return:{id}:{}", key.key);
    let new = NewReturn::try_from(&body)?;
    let opened = super::open(&state.db, &shop, id, new, key, state.clock.now()).await?;
    let status = StatusCode::from_u16(opened.stored.status).unwrap_or(StatusCode::CREATED);
    let location = serde_json::from_str::<ReturnResponse>(&opened.stored.body)
        .ok()
        .and_then(|r| HeaderValue::from_str(&format!("/v1/shop/returns/{}", r.id)).ok());
    let mut response = (status, opened.stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(location) = location {
        headers.insert(header::LOCATION, location);
    }
    if opened.replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The shop's own returns, newest first (`customer_id` is ignored).
#[utoipa::path(get, path = "/v1/shop/returns", tag = "shop", summary = "List the shop's returns",
    params(ReturnListParams),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = ReturnList)))]
#[tracing::instrument(skip_all)]
async fn shop_list_returns(
    State(state): State<AppState>,
    shop: Shop,
    ApiQuery(params): ApiQuery<ReturnListParams>,
) -> Result<axum::Json<ReturnList>> {
    Ok(axum::Json(super::list(&state.db, shop_scope(&shop), params).await?))
}

/// One of the shop's returns.
#[utoipa::path(get, path = "/v1/shop/returns/{id}", tag = "shop", summary = "Get one of the shop's returns",
    description = LIFECYCLE, params(("id" = ReturnId, Path, description = "Return id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = ReturnResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_get_return(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<ReturnId>,
) -> Result<axum::Json<ReturnResponse>> {
    Ok(axum::Json(super::find(&state.db, shop_scope(&shop), id).await?))
}

/// The dealer's returns, newest first.
#[utoipa::path(get, path = "/v1/returns", tag = "returns", summary = "List returns",
    description = "Filters combine: `status`, `customer_id`, `order_id`, `from`/`to` (days in the dealer's time \
zone, or RFC 3339 instants). A bad value is 422 naming the query field.",
    params(ReturnListParams), security(("staff_token" = [])), responses((status = 200, body = ReturnList)))]
#[tracing::instrument(skip_all)]
async fn list_returns(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<ReturnListParams>,
) -> Result<axum::Json<ReturnList>> {
    Ok(axum::Json(super::list(&state.db, staff(caller.tenant), params).await?))
}

/// One return.
#[utoipa::path(get, path = "/v1/returns/{id}", tag = "returns", summary = "Get a return",
    description = LIFECYCLE, params(("id" = ReturnId, Path, description = "Return id")),
    security(("staff_token" = [])), responses((status = 200, body = ReturnResponse)))]
#[tracing::instrument(skip_all)]
async fn get_return(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<ReturnId>,
) -> Result<axum::Json<ReturnResponse>> {
    Ok(axum::Json(super::find(&state.db, staff(caller.tenant), id).await?))
}

/// Accept a requested return, saying how the parts come back.
#[utoipa::path(post, path = "/v1/returns/{id}/accept", tag = "returns", summary = "Accept a return",
    description = LIFECYCLE, request_body = AcceptReturnRequest, params(("id" = ReturnId, Path, description = "Return id")),
    security(("staff_token" = [])), responses((status = 200, body = ReturnResponse),
        (status = 409, description = "Rejected or resolved (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn accept_return(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReturnId>,
    ApiJson(body): ApiJson<AcceptReturnRequest>,
) -> Result<axum::Json<ReturnResponse>> {
    let lexicon = state.lexicons.get(&state.db, caller.tenant).await?;
    Ok(axum::Json(
        super::accept(
            &state.db,
            &lexicon,
            caller.tenant,
            caller.user_id,
            id,
            body,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Reject a requested return, with a reason for the shop.
#[utoipa::path(post, path = "/v1/returns/{id}/reject", tag = "returns", summary = "Reject a return",
    description = LIFECYCLE, request_body = RejectReturnRequest, params(("id" = ReturnId, Path, description = "Return id")),
    security(("staff_token" = [])), responses((status = 200, body = ReturnResponse),
        (status = 409, description = "Accepted or resolved (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn reject_return(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReturnId>,
    ApiJson(body): ApiJson<RejectReturnRequest>,
) -> Result<axum::Json<ReturnResponse>> {
    Ok(axum::Json(
        super::reject(&state.db, caller.tenant, caller.user_id, id, body, state.clock.now()).await?,
    ))
}

/// Resolve an accepted return: refund, credit note or replacement order.
#[utoipa::path(post, path = "/v1/returns/{id}/resolve", tag = "returns", summary = "Resolve a return",
    description = LIFECYCLE, request_body = ResolveReturnRequest, params(("id" = ReturnId, Path, description = "Return id")),
    security(("staff_token" = [])), responses((status = 200, body = ReturnResponse),
        (status = 409, description = "Not accepted yet, or rejected (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn resolve_return(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<ReturnId>,
    ApiJson(body): ApiJson<ResolveReturnRequest>,
) -> Result<axum::Json<ReturnResponse>> {
    Ok(axum::Json(
        super::resolve(&state.db, caller.tenant, caller.user_id, id, body, state.clock.now()).await?,
    ))
}
