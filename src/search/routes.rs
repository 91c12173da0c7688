//! `GET /v1/search` for staff and `GET /v1/shop/search` for shops (with their own prices).

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{SearchParams, SearchResponse};
use crate::auth::{AnyStaff, Shop};
use crate::error::Result;
use crate::http::AppState;
use crate::http::extract::ApiQuery;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(staff_search))
        .routes(routes!(shop_search))
}

const SEARCH_DESCRIPTION: &str = "A query with digits that looks like a part number is searched as a number first: \
exact match on the normalized number (letters and digits only, any case or spacing), including OE numbers, \
interchange numbers in both directions and supersession chains; then prefix (5+ characters), then one typo (8+). \
An exact number match always ranks above a name match. Otherwise, or when no number matches, the query is searched \
in names (Chinese and English, with the dealer's synonyms), categories, descriptions and fitment: a part matches \
when most of the words (three in five, rounded up) are found; parts with every word in the name rank first. \
`make`/`model`/`year` filter by fitment; `vin` only ranks fitting parts first. Every hit says why it was offered \
(`matched_on`).";

/// A search for one dealer, with the state's database, index and synonyms.
async fn run(
    state: &AppState,
    tenant: crate::ids::TenantId,
    params: &SearchParams,
    price_level_bp: Option<i32>,
) -> Result<SearchResponse> {
    super::run(
        &state.db,
        &state.indexer,
        &state.lexicons,
        tenant,
        params,
        price_level_bp,
        state.clock.now(),
    )
    .await
}

/// Search the catalog (staff).
#[utoipa::path(get, path = "/v1/search", tag = "search", summary = "Search the catalog",
    description = SEARCH_DESCRIPTION, params(SearchParams),
    security(("staff_token" = [])), responses((status = 200, body = SearchResponse)))]
#[tracing::instrument(skip_all)]
async fn staff_search(
    State(state): State<AppState>,
    caller: AnyStaff,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<axum::Json<SearchResponse>> {
    Ok(axum::Json(run(&state, caller.tenant, &params, None).await?))
}

/// Search the dealer's catalog (shops), with the shop's own prices.
#[utoipa::path(get, path = "/v1/shop/search", tag = "shop", summary = "Search the dealer's catalog",
    description = SEARCH_DESCRIPTION, params(SearchParams),
    security(("shop_key" = []), ("shop_key_header" = [])), responses((status = 200, body = SearchResponse)))]
#[tracing::instrument(skip_all)]
async fn shop_search(
    State(state): State<AppState>,
    shop: Shop,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<axum::Json<SearchResponse>> {
    Ok(axum::Json(
        run(&state, shop.tenant, &params, Some(shop.customer.price_level_bp)).await?,
    ))
}
