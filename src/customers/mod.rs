//! Customers: the repair shops a dealer sells to, with the price level their quotes get.

pub mod routes;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Actor;
use crate::db::TenantScoped;
use crate::entities::{api_keys, customers, events};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{CustomerId, EventId, TenantId};
use crate::pagination::{PageParams, SortOrder, finish_page};
use crate::validate::{ADDRESS_MAX, NAME_MAX, NOTES_MAX, PHONE_MAX, Validator, patch_field};

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerResponse {
    pub id: CustomerId,
    pub name: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Discount off list price, in percent (0-100, two decimals at most).
    #[schema(example = 12.5)]
    pub price_level: f64,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the customer was archived; listed only with `include_archived=true`.
    pub archived_at: Option<DateTime<Utc>>,
}

impl From<customers::Model> for CustomerResponse {
    fn from(c: customers::Model) -> Self {
        Self {
            id: c.id,
            name: c.name,
            contact_name: c.contact_name,
            phone: c.phone,
            email: c.email,
            address: c.address,
            price_level: f64::from(c.price_level_bp) / 100.0,
            notes: c.notes,
            created_at: c.created_at,
            updated_at: c.updated_at,
            archived_at: c.deleted_at,
        }
    }
}

// A customer as other resources name it (a plain comment: a doc comment would be published).
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerRef {
    pub id: CustomerId,
    pub name: String,
}

/// The names of these customers of the dealer (archived ones included: they name history).
pub async fn names(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    ids: Vec<CustomerId>,
) -> Result<std::collections::HashMap<CustomerId, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(customers::Entity::scoped(tenant)
        .filter(customers::Column::Id.is_in(ids))
        .select_only()
        .column(customers::Column::Id)
        .column(customers::Column::Name)
        .into_tuple::<(CustomerId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerList {
    pub items: Vec<CustomerResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerRequest {
    /// The shop's name, up to 200 characters.
    #[schema(example = "老王汽修厂")]
    pub name: String,
    pub contact_name: Option<String>,
    /// Up to 40 characters.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Up to 500 characters.
    pub address: Option<String>,
    /// Discount off list price in percent, 0-100 with at most two decimals; default 0.
    pub price_level: Option<f64>,
    /// Up to 2,000 characters.
    pub notes: Option<String>,
}

/// Absent fields are left unchanged; `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerRequest {
    /// Cannot be cleared.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    pub price_level: Option<f64>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only customers whose name contains this text (case-insensitive for Latin letters).
    pub name: Option<String>,
    /// Archived customers too (default false): they still name past inquiries, orders and returns.
    pub include_archived: Option<bool>,
}

/// Percent with at most two decimals, to basis points.
fn price_level_bp(v: &mut Validator, field: &str, percent: f64) -> i32 {
    let bp = (percent * 100.0).round();
    if !(0.0..=100.0).contains(&percent) || !percent.is_finite() {
        v.error(field, "out_of_range", "a percentage between 0 and 100");
        0
    } else if (percent * 100.0 - bp).abs() > 1e-6 {
        v.error(field, "too_precise", "at most two decimals");
        0
    } else {
        // In range 0..=10_000 by the check above.
        bp as i32
    }
}

pub async fn find_active(db: &impl ConnectionTrait, tenant: TenantId, id: CustomerId) -> Result<customers::Model> {
    customers::Entity::scoped_by_id(tenant, id)
        .filter(customers::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or(Error::not_found("customer"))
}

/// Customers of the dealer, oldest first; archived ones only when asked for.
pub async fn list(db: &impl ConnectionTrait, tenant: TenantId, params: CustomerListParams) -> Result<CustomerList> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    let mut query = customers::Entity::scoped(tenant).order_by_asc(customers::Column::Id);
    if !params.include_archived.unwrap_or(false) {
        query = query.filter(customers::Column::DeletedAt.is_null());
    }
    if let Some(after) = page.cursor::<CustomerId>()? {
        query = query.filter(customers::Column::Id.gt(after));
    }
    if let Some(name) = params.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if name.chars().count() > NAME_MAX {
            return Err(Error::field(
                "query.name",
                "too_long",
                format!("at most {NAME_MAX} characters"),
            ));
        }
        let escaped = name
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            Expr::expr(Func::lower(Expr::col((customers::Entity, customers::Column::Name))))
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |c| c.id);
    Ok(CustomerList {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    })
}

/// Adds a customer (a repair shop), recorded on its timeline.
pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    body: CreateCustomerRequest,
    now: DateTime<Utc>,
) -> Result<customers::Model> {
    let mut v = Validator::default();
    let name = v.text("/name", &body.name, NAME_MAX);
    let contact_name = v.opt_text("/contact_name", body.contact_name.as_deref(), NAME_MAX);
    let phone = v.opt_text("/phone", body.phone.as_deref(), PHONE_MAX);
    let email = v.opt_email("/email", body.email.as_deref());
    let address = v.opt_text("/address", body.address.as_deref(), ADDRESS_MAX);
    let notes = v.opt_text("/notes", body.notes.as_deref(), NOTES_MAX);
    let price_level_bp = body
        .price_level
        .map_or(0, |p| price_level_bp(&mut v, "/price_level", p));
    v.finish()?;

    let txn = crate::db::begin_write(db).await?;
    let customer = customers::ActiveModel {
        id: Set(CustomerId::generate()),
        tenant_id: Set(actor.tenant),
        name: Set(name),
        contact_name: Set(contact_name),
        phone: Set(phone),
        email: Set(email),
        address: Set(address),
        price_level_bp: Set(price_level_bp),
        notes: Set(notes),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(customer.id),
            kind: EventKind::CustomerCreated,
            subject: customer.id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({ "name": customer.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(customer)
}

/// Changes a customer's details or price level; the fields changed go on its timeline.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: CustomerId,
    body: UpdateCustomerRequest,
    now: DateTime<Utc>,
) -> Result<customers::Model> {
    let mut v = Validator::default();
    let name = body
        .name
        .map(|n| v.text("/name", n.as_deref().unwrap_or_default(), NAME_MAX));
    let contact_name = body
        .contact_name
        .map(|c| v.opt_text("/contact_name", c.as_deref(), NAME_MAX));
    let phone = body.phone.map(|p| v.opt_text("/phone", p.as_deref(), PHONE_MAX));
    let email = body.email.map(|e| v.opt_email("/email", e.as_deref()));
    let address = body.address.map(|a| v.opt_text("/address", a.as_deref(), ADDRESS_MAX));
    let notes = body.notes.map(|n| v.opt_text("/notes", n.as_deref(), NOTES_MAX));
    let price_level_bp = body.price_level.map(|p| price_level_bp(&mut v, "/price_level", p));
    v.finish()?;

    let txn = crate::db::begin_write(db).await?;
    let current = find_active(&txn, actor.tenant, id).await?;
    let current_level = current.price_level_bp;
    let mut changed = Vec::new();
    let mut active = current.into_active_model();
    macro_rules! apply {
        ($field:ident, $value:expr) => {
            if let Some(value) = $value {
                active.$field = Set(value);
                changed.push(stringify!($field));
            }
        };
    }
    apply!(name, name);
    apply!(contact_name, contact_name);
    apply!(phone, phone);
    apply!(email, email);
    apply!(address, address);
    apply!(notes, notes);
    // Purchase rates per price level are counted at the customer's level: derived again.
    if price_level_bp.is_some_and(|level| level != current_level) {
        crate::insights::marks::touch_all(&txn, actor.tenant).await?;
    }
    apply!(price_level_bp, price_level_bp);
    active.updated_at = Set(now);
    let customer = active.update(&txn).await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(customer.id),
            kind: EventKind::CustomerUpdated,
            subject: customer.id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({ "fields": changed }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(customer)
}

/// Archives a customer: it leaves the lists, its API keys stop working (in the same
/// transaction), and its history stays for the metrics.
pub async fn archive(db: &DatabaseConnection, actor: Actor, id: CustomerId, now: DateTime<Utc>) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let customer = find_active(&txn, actor.tenant, id).await?;
    let mut active = customer.into_active_model();
    active.deleted_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    api_keys::Entity::scoped_update(actor.tenant)
        .filter(api_keys::Column::CustomerId.eq(id))
        .filter(api_keys::Column::RevokedAt.is_null())
        .col_expr(api_keys::Column::RevokedAt, Expr::value(now))
        .exec(&txn)
        .await?;
    crate::events::record(
        &txn,
        NewEvent {
            tenant: actor.tenant,
            customer: Some(id),
            kind: EventKind::CustomerArchived,
            subject: id.to_string(),
            actor: Some(actor.user.to_string()),
            at: now,
            payload: json!({}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: EventId,
    /// What happened, e.g. `customer_created`, `api_key_issued`.
    pub kind: String,
    /// The id of what it happened to.
    pub subject_id: String,
    /// Who did it: a user id (`usr_…`) or an API key id (`key_…`).
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub payload: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventResponse>,
    pub next_cursor: Option<String>,
}

/// The customer's touchpoint timeline, oldest first.
/// A page of a customer's timeline.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page (of the same `order`).
    pub cursor: Option<String>,
    /// `asc` (default): oldest first, to read the log through; `desc`: newest first, as a
    /// timeline is shown.
    pub order: Option<SortOrder>,
}

pub async fn events(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: CustomerId,
    params: TimelineParams,
) -> Result<EventList> {
    let newest_first = params.order == Some(SortOrder::Desc);
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit()?;
    find_active(db, tenant, id).await?;
    let mut query = events::Entity::scoped(tenant).filter(events::Column::CustomerId.eq(id));
    let cursor = page.cursor::<EventId>()?;
    if newest_first {
        query = query.order_by_desc(events::Column::Id);
        if let Some(before) = cursor {
            query = query.filter(events::Column::Id.lt(before));
        }
    } else {
        query = query.order_by_asc(events::Column::Id);
        if let Some(after) = cursor {
            query = query.filter(events::Column::Id.gt(after));
        }
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |e| e.id);
    Ok(EventList {
        items: rows
            .into_iter()
            .map(|e| EventResponse {
                id: e.id,
                kind: e.kind,
                subject_id: e.subject_id,
                actor: e.actor,
                occurred_at: e.occurred_at,
                payload: e.payload,
            })
            .collect(),
        next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_levels_are_exact_basis_points() {
        let mut v = Validator::default();
        assert_eq!(price_level_bp(&mut v, "/p", 12.5), 1250);
        assert_eq!(price_level_bp(&mut v, "/p", 0.07), 7);
        assert_eq!(price_level_bp(&mut v, "/p", 100.0), 10_000);
        assert!(v.finish().is_ok());
        for bad in [-1.0, 100.01, 12.345, f64::NAN] {
            let mut v = Validator::default();
            price_level_bp(&mut v, "/p", bad);
            assert!(v.finish().is_err(), "{bad} should be rejected");
        }
    }
}
