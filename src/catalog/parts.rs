//! Single parts: list, create, read, update and delete, each write searchable when it returns.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::catalog::feed::SearchFeed;
use crate::catalog::part::{Extra, FitmentInput, PartInput, PartRequest};
use crate::catalog::store::{self, FullPart, Hashed, Planned};
use crate::db::TenantScoped;
use crate::entities::parts;
use crate::error::{Error, Result};
use crate::ids::{PartId, TenantId};
use crate::money::format_price;
use crate::pagination::{PageParams, finish_page};

#[derive(Debug, Serialize, ToSchema)]
pub struct PartNumberResponse {
    /// `article`, `oe`, `interchange`, `supersedes` or `superseded_by`.
    pub kind: String,
    pub brand: Option<String>,
    /// As the catalog wrote it.
    pub number: String,
    /// Uppercase letters and digits only: what search matches.
    pub normalized: String,
    /// `L` or `R` when the catalog marked a side.
    pub side: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartResponse {
    pub id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub unit: Option<String>,
    /// List price as an exact decimal string, e.g. `"268.00"`.
    pub price: Option<String>,
    pub currency: String,
    /// Units on the shelf.
    pub stock: i64,
    /// Of those, units held for orders not yet dispatched.
    pub reserved: i64,
    /// Units that can still be sold: `stock - reserved`, never below 0. Imports and edits set
    /// `stock` and leave reservations as they are; when a raise covers backorders,
    /// `GET /v1/orders/backorders?part_id=…&fillable=true` lists them.
    pub available: i64,
    pub active: bool,
    pub numbers: Vec<PartNumberResponse>,
    pub fitment: Vec<FitmentInput>,
    #[schema(value_type = Object)]
    pub attributes: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<FullPart> for PartResponse {
    fn from(p: FullPart) -> Self {
        Self {
            id: p.part.id,
            sku: p.part.sku,
            name: p.part.name,
            brand: p.part.brand,
            description: p.part.description,
            category: p.part.category,
            unit: p.part.unit,
            price: p.part.price_minor.map(format_price),
            currency: p.part.currency,
            stock: p.part.stock,
            reserved: p.part.reserved,
            available: crate::entities::parts::available(p.part.stock, p.part.reserved),
            active: p.part.active,
            numbers: p
                .numbers
                .into_iter()
                .map(|n| PartNumberResponse {
                    kind: n.kind,
                    brand: n.brand,
                    number: n.raw,
                    normalized: n.normalized,
                    side: n.side,
                })
                .collect(),
            fitment: p.fitments.iter().map(FitmentInput::from).collect(),
            attributes: p.part.attributes,
            created_at: p.part.created_at,
            updated_at: p.part.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartList {
    pub items: Vec<PartResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this brand (case-insensitive).
    pub brand: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only active (`true`) or deactivated (`false`) parts.
    pub active: Option<bool>,
    /// Only parts whose SKU starts with this.
    pub sku_prefix: Option<String>,
}

pub async fn find_full(db: &impl sea_orm::ConnectionTrait, tenant: TenantId, id: PartId) -> Result<FullPart> {
    let part = parts::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("part"))?;
    store::attach(db, tenant, vec![part])
        .await?
        .pop()
        .ok_or(Error::not_found("part"))
}

async fn tenant_currency(db: &impl ConnectionTrait, tenant: TenantId) -> Result<String> {
    Ok(crate::tenants::find(db, tenant).await?.currency)
}

fn validate(request: PartRequest, currency: &str) -> Result<PartInput> {
    request.validate(currency, Extra::Reject).map_err(Error::Validation)
}

/// The dealer's parts, oldest first.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, params: PartListParams) -> Result<PartList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let mut query = parts::Entity::scoped(tenant).order_by_asc(parts::Column::Id);
    if let Some(after) = page.cursor::<PartId>()? {
        query = query.filter(parts::Column::Id.gt(after));
    }
    if let Some(brand) = params.brand.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        query = query.filter(parts::Column::Brand.eq(brand.to_uppercase()));
    }
    if let Some(category) = params.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        query = query.filter(parts::Column::Category.eq(category));
    }
    if let Some(active) = params.active {
        query = query.filter(parts::Column::Active.eq(active));
    }
    if let Some(prefix) = params.sku_prefix.as_deref().filter(|p| !p.is_empty()) {
        // A range, not LIKE: exact on every backend and uses the (tenant, sku) index.
        query = query
            .filter(parts::Column::Sku.gte(prefix))
            .filter(parts::Column::Sku.lt(format!("{prefix}\u{10FFFF}")));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |p| p.id);
    let full = store::attach(db, tenant, rows).await?;
    Ok(PartList {
        items: full.into_iter().map(Into::into).collect(),
        next_cursor,
    })
}

/// Adds one part; it is searchable when this returns (within the visibility wait).
pub async fn create(
    db: &DatabaseConnection,
    feed: &dyn SearchFeed,
    tenant: TenantId,
    body: PartRequest,
    now: DateTime<Utc>,
) -> Result<PartResponse> {
    let input = validate(body, &tenant_currency(db, tenant).await?)?;
    let id = PartId::generate();
    let txn = crate::db::begin_write(db).await?;
    // A taken SKU fails on the unique index, answered as 409 `sku_taken`.
    store::apply(&txn, tenant, &[Planned::Insert(id, Hashed::new(input))], now).await?;
    txn.commit().await?;
    feed.wait_visible(crate::catalog::feed::VISIBILITY_WAIT).await;
    let full = find_full(db, tenant, id).await?;
    Ok(full.into())
}

/// The current part in request form, for merging a partial update over it.
fn as_request_json(input: &PartInput) -> Map<String, Value> {
    let written = |n: &crate::catalog::part::NumberInput| match n.side {
        Some(side) => format!("{} ({side})", n.raw),
        None => n.raw.clone(),
    };
    let numbers = |kind: crate::catalog::part::NumberKind| -> Vec<Value> {
        input
            .numbers
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| json!({ "brand": n.brand, "number": written(n) }))
            .collect()
    };
    use crate::catalog::part::NumberKind as K;
    // A part may carry several article numbers (a cell `A; B` at import): all of them, in the
    // one field that takes a list the way a catalog cell does, so an edit keeps every one.
    let articles: Vec<String> = input
        .numbers
        .iter()
        .filter(|n| n.kind == K::Article)
        .map(written)
        .collect();
    let article = (!articles.is_empty()).then(|| articles.join("; "));
    let map = json!({
        "sku": input.sku, "name": input.name, "brand": input.brand, "description": input.description,
        "category": input.category, "unit": input.unit, "price": input.price_minor.map(format_price),
        "currency": input.currency, "stock": input.stock, "active": input.active,
        "article_number": article, "oe_numbers": numbers(K::Oe), "cross_numbers": numbers(K::Interchange),
        "supersedes": numbers(K::Supersedes), "superseded_by": numbers(K::SupersededBy),
        "fitment": input.fitments, "attributes": input.attributes,
    });
    map.as_object().cloned().unwrap_or_default()
}

/// Changes some fields of a part: fields present replace the current value (lists whole),
/// `null` clears an optional one.
pub async fn update(
    db: &DatabaseConnection,
    feed: &dyn SearchFeed,
    tenant: TenantId,
    id: PartId,
    patch: Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<PartResponse> {
    let currency = tenant_currency(db, tenant).await?;
    let txn = crate::db::begin_write(db).await?;
    let current = find_full(&txn, tenant, id).await?;
    let mut merged = as_request_json(&current.to_input());
    for (key, value) in patch {
        merged.insert(key, value);
    }
    let request: PartRequest = crate::validate::parse_json(&serde_json::to_vec(&merged).map_err(anyhow::Error::from)?)?;
    let input = validate(request, &currency)?;
    store::apply(&txn, tenant, &[Planned::Update(id, Hashed::new(input))], now).await?;
    txn.commit().await?;
    feed.wait_visible(crate::catalog::feed::VISIBILITY_WAIT).await;
    Ok(find_full(db, tenant, id).await?.into())
}

/// Removes a part from the catalog (orders keep their own copy of what was sold).
pub async fn delete(
    db: &DatabaseConnection,
    feed: &dyn SearchFeed,
    tenant: TenantId,
    id: PartId,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let deleted = parts::Entity::scoped_delete(tenant)
        .filter(parts::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(Error::not_found("part"));
    }
    crate::entities::search_outbox::Entity::insert(store::outbox_row(tenant, id, now))
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    feed.wait_visible(crate::catalog::feed::VISIBILITY_WAIT).await;
    Ok(())
}
