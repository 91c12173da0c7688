//! Inquiry endpoints: shops send and follow theirs; staff list and review them.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    CreateInquiryRequest, InquiryList, InquiryListParams, InquiryResponse, ShopInquiryResponse, StaffInquiryList,
};
use crate::auth::{AnyStaff, SalesStaff, Shop};
use crate::claims::ClaimResponse;
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::idempotency;
use crate::ids::InquiryId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_inquiries, create_inquiry))
        .routes(routes!(get_inquiry))
        .routes(routes!(claim_inquiry, release_inquiry))
        .routes(routes!(shop_list_inquiries))
        .routes(routes!(shop_get_inquiry))
}

const CREATE_DESCRIPTION: &str = "Every line is matched to the dealer's catalog before this returns: exact part \
numbers (the part's own, OE, interchange, supersession) first, then names that fit the vehicle, then names alone. \
A draft quote is made from the best candidate of each line, priced for the shop; when the dealer's `auto_send` is \
on and every line matched with `exact` or `high` confidence and is in stock, it is sent at once and `status` is \
`sent`.\n\n`Idempotency-Key` is required: a retry with the same key and the same body within 24 hours returns the \
original response (same ids, header `Idempotent-Replayed: true`) and creates nothing; the same key with a \
different body is 422 `validation_failed` (`header.idempotency-key`, `idempotency_key_reused`).";

/// Send an inquiry (shops).
#[utoipa::path(post, path = "/v1/inquiries", tag = "inquiries", summary = "Send an inquiry",
    description = CREATE_DESCRIPTION, request_body = CreateInquiryRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per inquiry (a UUID, say); the same on every retry of it. 1-255 visible ASCII characters.")),
    security(("shop_key" = []), ("shop_key_header" = [])),
    responses((status = 201, body = ShopInquiryResponse, headers(("location" = String, description = "The inquiry's URL")))))]
#[tracing::instrument(skip_all)]
async fn create_inquiry(
    State(state): State<AppState>,
    shop: Shop,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateInquiryRequest>,
) -> Result<Response> {
    let now = state.clock.now();
    let key = idempotency::Request::new(headers.get(idempotency::HEADER).map(HeaderValue::as_bytes), &body)?;
    let lexicon = state.lexicons.get(&state.db, shop.tenant).await?;
    let input = super::validate(&body, now, &lexicon.vehicles)?;
    let received = super::receive(&state.db, state.indexer.index(), &lexicon, &shop, key, input, now).await?;
    let status = StatusCode::from_u16(received.stored.status).unwrap_or(StatusCode::CREATED);
    let location = serde_json::from_str::<ShopInquiryResponse>(&received.stored.body)
        .ok()
        .and_then(|r| HeaderValue::from_str(&format!("/v1/shop/inquiries/{}", r.id)).ok());
    let mut response = (status, received.stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(location) = location {
        headers.insert(header::LOCATION, location);
    }
    if received.replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The dealer's inquiries, newest first, each with the caller's read mark and who is answering it.
#[utoipa::path(get, path = "/v1/inquiries", tag = "inquiries", summary = "List inquiries",
    description = "Filters combine: `status`, `customer_id`, `from`/`to` (days in the dealer's time zone, or \
RFC 3339 instants) and `unread` (for the caller). A bad value is 422 naming the query field.",
    params(InquiryListParams), security(("staff_token" = [])), responses((status = 200, body = StaffInquiryList)))]
#[tracing::instrument(skip_all)]
async fn list_inquiries(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<InquiryListParams>,
) -> Result<axum::Json<StaffInquiryList>> {
    Ok(axum::Json(
        super::list_for_staff(&state.db, caller.actor(), params, state.clock.now()).await?,
    ))
}

/// One inquiry with every line's candidates (exactly what the matcher saw), the quote and who
/// is answering it. Reading it marks it read for the caller.
#[utoipa::path(get, path = "/v1/inquiries/{id}", tag = "inquiries", summary = "Get an inquiry",
    params(("id" = InquiryId, Path, description = "Inquiry id")),
    security(("staff_token" = [])), responses((status = 200, body = InquiryResponse)))]
#[tracing::instrument(skip_all)]
async fn get_inquiry(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<InquiryId>,
) -> Result<axum::Json<InquiryResponse>> {
    Ok(axum::Json(
        super::get(&state.db, caller.actor(), id, state.clock.now()).await?,
    ))
}

const CLAIM_DESCRIPTION: &str = "So that two clerks never answer the same inquiry. A claim lasts 15 minutes from \
when it was last taken; claiming again renews it (`claimed_at` stays). It ends when released, when the inquiry's \
quote is sent or cancelled, or when it lapses; a lapsed claim is no claim. Taking, renewing and releasing appear on \
`GET /v1/stream` as `inquiry_claimed` and `inquiry_released`.";

/// Claim an inquiry: the caller is answering it.
#[utoipa::path(post, path = "/v1/inquiries/{id}/claim", tag = "inquiries", summary = "Claim an inquiry",
    description = CLAIM_DESCRIPTION,
    params(("id" = InquiryId, Path, description = "Inquiry id")),
    security(("staff_token" = [])),
    responses((status = 200, body = ClaimResponse),
        (status = 409, description = "Claimed by someone else (`already_claimed`, the holder named in `detail`), or the quote is no longer a draft (`not_claimable`, with `current_status`)", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
async fn claim_inquiry(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<InquiryId>,
) -> Result<axum::Json<ClaimResponse>> {
    Ok(axum::Json(
        crate::claims::claim(&state.db, caller.actor(), id, state.clock.now()).await?,
    ))
}

/// Release the claim on an inquiry: its holder may, and so may an admin or the owner.
#[utoipa::path(delete, path = "/v1/inquiries/{id}/claim", tag = "inquiries", summary = "Release a claim",
    description = "An inquiry nobody holds is released already (204). Another clerk's claim is 403 unless the \
caller is an admin or the owner.",
    params(("id" = InquiryId, Path, description = "Inquiry id")),
    security(("staff_token" = [])), responses((status = 204, description = "Released")))]
#[tracing::instrument(skip_all)]
async fn release_inquiry(
    State(state): State<AppState>,
    caller: SalesStaff,
    ApiPath(id): ApiPath<InquiryId>,
) -> Result<StatusCode> {
    crate::claims::release(&state.db, caller.actor(), id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The shop's own inquiries, newest first (`customer_id`, `customer` and `unread` are ignored).
#[utoipa::path(get, path = "/v1/shop/inquiries", tag = "shop", summary = "List the shop's inquiries",
    params(InquiryListParams),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = InquiryList)))]
#[tracing::instrument(skip_all)]
async fn shop_list_inquiries(
    State(state): State<AppState>,
    shop: Shop,
    ApiQuery(params): ApiQuery<InquiryListParams>,
) -> Result<axum::Json<InquiryList>> {
    Ok(axum::Json(super::list_for_shop(&state.db, &shop, params).await?))
}

#[utoipa::path(get, path = "/v1/shop/inquiries/{id}", tag = "shop", summary = "Get one of the shop's inquiries",
    params(("id" = InquiryId, Path, description = "Inquiry id")),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = ShopInquiryResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_get_inquiry(
    State(state): State<AppState>,
    shop: Shop,
    ApiPath(id): ApiPath<InquiryId>,
) -> Result<axum::Json<ShopInquiryResponse>> {
    Ok(axum::Json(super::get_for_shop(&state.db, &shop, id).await?))
}
