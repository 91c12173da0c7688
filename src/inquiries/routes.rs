//! Inquiry endpoints: shops send and follow theirs; staff list and review them.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    CreateInquiryRequest, InquiryLineResponse, InquiryResponse, ShopInquiryResponse, find_for_shop, lines_of, receive,
    shop_view, validate,
};
use crate::auth::{AnyStaff, Shop};
use crate::customers::CustomerRef;
use crate::db::TenantScoped;
use crate::entities::{customers, inquiries, quotes};
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::ids::{CustomerId, InquiryId, QuoteId, TenantId};
use crate::pagination::{PageParams, finish_page};
use crate::quotes::{QuoteStatus, View};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_inquiries, create_inquiry))
        .routes(routes!(get_inquiry))
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
    let key = crate::idempotency::Request::from_headers(&headers, &body)?;
    let input = validate(&body, state.clock.now())?;
    let received = receive(&state, &shop, key, input).await?;
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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InquiryListParams {
    /// Items per page, 1-200 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only inquiries whose quote is in this state: `draft`, `sent`, `accepted`,
    /// `partially_accepted`, `rejected`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Only this customer's inquiries (staff only).
    pub customer: Option<CustomerId>,
    /// Only inquiries received at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Only inquiries received before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct InquirySummary {
    pub id: InquiryId,
    pub customer_id: CustomerId,
    pub reference: Option<String>,
    pub status: String,
    pub line_count: i32,
    pub quote_id: Option<QuoteId>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct InquiryList {
    pub items: Vec<InquirySummary>,
    pub next_cursor: Option<String>,
}

async fn list(
    state: &AppState,
    tenant: TenantId,
    customer: Option<CustomerId>,
    params: InquiryListParams,
    view: View,
) -> Result<InquiryList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let mut query = inquiries::Entity::scoped(tenant).order_by_desc(inquiries::Column::Id);
    if let Some(before) = page.cursor::<InquiryId>()? {
        query = query.filter(inquiries::Column::Id.lt(before));
    }
    if let Some(customer) = customer {
        query = query.filter(inquiries::Column::CustomerId.eq(customer));
    }
    if let Some(status) = params.status.as_deref() {
        let status = QuoteStatus::parse(status).ok_or_else(|| {
            Error::field(
                "query.status",
                "invalid_value",
                "one of draft, sent, accepted, partially_accepted, rejected, expired, cancelled",
            )
        })?;
        query = query.filter(inquiries::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = params.from {
        query = query.filter(inquiries::Column::ReceivedAt.gte(from));
    }
    if let Some(to) = params.to {
        query = query.filter(inquiries::Column::ReceivedAt.lt(to));
    }
    let rows = query.limit(limit + 1).all(&state.db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |i| i.id);
    // Shops learn of a quote once it is sent.
    let quote_ids: std::collections::HashMap<InquiryId, QuoteId> = quotes::Entity::scoped(tenant)
        .filter(quotes::Column::InquiryId.is_in(rows.iter().map(|r| r.id)))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|q| view == View::Staff || q.sent_at.is_some())
        .map(|q| (q.inquiry_id, q.id))
        .collect();
    Ok(InquiryList {
        items: rows
            .into_iter()
            .map(|i| InquirySummary {
                quote_id: quote_ids.get(&i.id).copied(),
                id: i.id,
                customer_id: i.customer_id,
                reference: i.reference,
                status: i.status.as_str().to_owned(),
                line_count: i.line_count,
                received_at: i.received_at,
            })
            .collect(),
        next_cursor,
    })
}

/// The dealer's inquiries, newest first.
#[utoipa::path(get, path = "/v1/inquiries", tag = "inquiries", summary = "List inquiries",
    params(InquiryListParams), security(("staff_token" = [])), responses((status = 200, body = InquiryList)))]
#[tracing::instrument(skip_all)]
async fn list_inquiries(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<InquiryListParams>,
) -> Result<axum::Json<InquiryList>> {
    let customer = params.customer;
    Ok(axum::Json(
        list(&state, caller.tenant, customer, params, View::Staff).await?,
    ))
}

/// One inquiry with every line's candidates (exactly what the matcher saw) and the quote.
#[utoipa::path(get, path = "/v1/inquiries/{id}", tag = "inquiries", summary = "Get an inquiry",
    params(("id" = InquiryId, Path, description = "Inquiry id")),
    security(("staff_token" = [])), responses((status = 200, body = InquiryResponse)))]
#[tracing::instrument(skip_all)]
async fn get_inquiry(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiPath(id): ApiPath<InquiryId>,
) -> Result<axum::Json<InquiryResponse>> {
    let inquiry = inquiries::Entity::scoped_by_id(caller.tenant, id)
        .one(&state.db)
        .await?
        .ok_or(Error::not_found("inquiry"))?;
    let lines = lines_of(&state.db, &inquiry).await?;
    let customer = customers::Entity::scoped_by_id(caller.tenant, inquiry.customer_id)
        .one(&state.db)
        .await?
        .ok_or(Error::not_found("customer"))?;
    let quote = crate::quotes::load_for_inquiry(&state.db, caller.tenant, id).await?;
    Ok(axum::Json(InquiryResponse {
        id: inquiry.id,
        customer: CustomerRef {
            id: customer.id,
            name: customer.name,
        },
        api_key_id: inquiry.api_key_id,
        reference: inquiry.reference,
        status: inquiry.status.as_str().to_owned(),
        vehicle: inquiry.vehicle.and_then(|v| serde_json::from_value(v).ok()),
        warnings: serde_json::from_value(inquiry.warnings).unwrap_or_default(),
        lines: lines
            .into_iter()
            .map(|l| InquiryLineResponse {
                id: l.id,
                position: l.position,
                text: l.text,
                part_number: l.part_number,
                brand: l.brand,
                quantity: l.quantity,
                note: l.note,
                confidence: l.confidence,
                candidates: serde_json::from_value(l.candidates).unwrap_or_default(),
            })
            .collect(),
        quote: crate::quotes::respond(&quote, View::Staff),
        received_at: inquiry.received_at,
    }))
}

/// The shop's own inquiries, newest first (`customer` is ignored).
#[utoipa::path(get, path = "/v1/shop/inquiries", tag = "shop", summary = "List the shop's inquiries",
    params(InquiryListParams),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = InquiryList)))]
#[tracing::instrument(skip_all)]
async fn shop_list_inquiries(
    State(state): State<AppState>,
    shop: Shop,
    ApiQuery(params): ApiQuery<InquiryListParams>,
) -> Result<axum::Json<InquiryList>> {
    Ok(axum::Json(
        list(&state, shop.tenant, Some(shop.customer.id), params, View::Shop).await?,
    ))
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
    let (inquiry, lines) = find_for_shop(&state.db, &shop, id).await?;
    let quote = quotes::Entity::scoped(shop.tenant)
        .filter(quotes::Column::InquiryId.eq(id))
        .one(&state.db)
        .await?
        .filter(|q| q.sent_at.is_some())
        .map(|q| q.id);
    Ok(axum::Json(shop_view(&inquiry, &lines, quote)))
}
