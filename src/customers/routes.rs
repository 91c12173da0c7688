//! Customer endpoints: the dealer's repair shops and their touchpoint timelines.

use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    CreateCustomerRequest, CustomerList, CustomerListParams, CustomerResponse, EventList, TimelineParams,
    UpdateCustomerRequest,
};
use crate::auth::{AdminStaff, AnyStaff, SalesStaff};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::CustomerId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, update_customer, archive_customer))
        .routes(routes!(customer_events))
}

/// Customers of the caller's dealer, oldest first.
#[utoipa::path(
    get,
    path = "/v1/customers",
    tag = "customers",
    summary = "List customers",
    params(CustomerListParams),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerList))
)]
#[tracing::instrument(skip_all)]
async fn list_customers(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<CustomerListParams>,
) -> Result<axum::Json<CustomerList>> {
    Ok(axum::Json(super::list(&state.db, caller.tenant, params).await?))
}

/// Add a customer (a repair shop).
#[utoipa::path(
    post,
    path = "/v1/customers",
    tag = "customers",
    summary = "Add a customer",
    request_body = CreateCustomerRequest,
    security(("staff_token" = [])),
    responses((status = 201, body = CustomerResponse))
)]
#[tracing::instrument(skip_all)]
async fn create_customer(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiJson(body): ApiJson<CreateCustomerRequest>,
) -> Result<(StatusCode, axum::Json<CustomerResponse>)> {
    let customer = super::create(&state.db, caller.actor(), body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(customer.into())))
}

/// One customer.
#[utoipa::path(
    get,
    path = "/v1/customers/{id}",
    tag = "customers",
    summary = "Get a customer",
    params(("id" = CustomerId, Path, description = "Customer id")),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerResponse))
)]
#[tracing::instrument(skip_all)]
async fn get_customer(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<CustomerId>,
) -> Result<axum::Json<CustomerResponse>> {
    Ok(axum::Json(
        super::find_active(&state.db, caller.tenant, id).await?.into(),
    ))
}

/// Change a customer's details or price level.
#[utoipa::path(
    patch,
    path = "/v1/customers/{id}",
    tag = "customers",
    summary = "Update a customer",
    params(("id" = CustomerId, Path, description = "Customer id")),
    request_body = UpdateCustomerRequest,
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerResponse))
)]
#[tracing::instrument(skip_all)]
async fn update_customer(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<CustomerId>,
    ApiJson(body): ApiJson<UpdateCustomerRequest>,
) -> Result<axum::Json<CustomerResponse>> {
    let customer = super::update(&state.db, caller.actor(), id, body, state.clock.now()).await?;
    Ok(axum::Json(customer.into()))
}

/// Archive a customer: it disappears from lists, its API keys stop working, and its history
/// stays for the metrics.
#[utoipa::path(
    delete,
    path = "/v1/customers/{id}",
    tag = "customers",
    summary = "Archive a customer",
    params(("id" = CustomerId, Path, description = "Customer id")),
    security(("staff_token" = [])),
    responses((status = 204, description = "Archived"))
)]
#[tracing::instrument(skip_all)]
async fn archive_customer(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiPath(id): ApiPath<CustomerId>,
) -> Result<StatusCode> {
    super::archive(&state.db, caller.actor(), id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer's touchpoint timeline, oldest first, or newest first with `order=desc`.
#[utoipa::path(
    get,
    path = "/v1/customers/{id}/events",
    tag = "customers",
    summary = "A customer's touchpoint timeline",
    params(("id" = CustomerId, Path, description = "Customer id"), TimelineParams),
    security(("staff_token" = [])),
    responses((status = 200, body = EventList))
)]
#[tracing::instrument(skip_all)]
async fn customer_events(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<CustomerId>,
    ApiQuery(params): ApiQuery<TimelineParams>,
) -> Result<axum::Json<EventList>> {
    Ok(axum::Json(super::events(&state.db, caller.tenant, id, params).await?))
}
