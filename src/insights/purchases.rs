//! Each customer's purchases of each part, by day in the dealer's zone, kept beside the orders
//! (`purchase_days`): the restock forecast reads one row per customer and part instead of
//! every order line of the dealer's history. The transactions that change a purchase (an order
//! placed, units cancelled) rewrite the rows of the customer's parts they touched from the
//! order lines themselves ([`refresh`]); [`rebuild`] derives every row, and a test holds the two
//! equal.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::db::TenantScoped;
use crate::entities::{purchase_days, tenants};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, OrderId, PartId, TenantId};
use crate::reminders::engine::{Line, history, history_of};
use crate::reminders::predict::{Purchase, by_day};

/// One day's purchases as stored: the day, the units, and the last purchase of the day.
#[derive(Serialize, Deserialize)]
struct Day(NaiveDate, i64, DateTime<Utc>, OrderId);

fn encode(days: &[Purchase]) -> Result<String> {
    let days: Vec<Day> = days.iter().map(|p| Day(p.date, p.quantity, p.at, p.order_id)).collect();
    serde_json::to_string(&days).map_err(|e| Error::Internal(e.into()))
}

fn decode(text: &str) -> Result<Vec<Purchase>> {
    let days: Vec<Day> = serde_json::from_str(text).map_err(|e| Error::Internal(e.into()))?;
    Ok(days
        .into_iter()
        .map(|Day(date, quantity, at, order_id)| Purchase {
            date,
            at,
            quantity,
            order_id,
        })
        .collect())
}

/// Each customer's purchases per part by day ([`by_day`]), from lines of the history.
pub fn by_pair(lines: Vec<Line>) -> BTreeMap<(CustomerId, PartId), Vec<Purchase>> {
    let mut out: BTreeMap<(CustomerId, PartId), Vec<Purchase>> = BTreeMap::new();
    for line in lines {
        out.entry((line.customer, line.part)).or_default().push(line.purchase);
    }
    for days in out.values_mut() {
        *days = by_day(std::mem::take(days));
    }
    out
}

async fn write(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    pairs: BTreeMap<(CustomerId, PartId), Vec<Purchase>>,
) -> Result<()> {
    let mut rows = Vec::with_capacity(pairs.len());
    for ((customer, part), days) in pairs {
        rows.push(purchase_days::ActiveModel {
            tenant_id: Set(tenant),
            customer_id: Set(customer),
            part_id: Set(part),
            days: Set(encode(&days)?),
        });
    }
    for chunk in rows.chunks(500) {
        purchase_days::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    purchase_days::Column::TenantId,
                    purchase_days::Column::CustomerId,
                    purchase_days::Column::PartId,
                ])
                .update_column(purchase_days::Column::Days)
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Rewrites the customer's rows of `parts` from its order lines, in the transaction that
/// changed them. Takes the customer's lock first, as every writer of derived figures does.
pub async fn refresh(
    txn: &impl ConnectionTrait,
    tenant: &tenants::Model,
    customer: CustomerId,
    parts: impl IntoIterator<Item = PartId>,
) -> Result<()> {
    let parts: Vec<PartId> = parts.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
    if parts.is_empty() {
        return Ok(());
    }
    crate::db::lock_customer_writes(txn, tenant.id, customer).await?;
    let pairs = by_pair(history_of(txn, tenant, None, Some((customer, &parts))).await?);
    // A part whose units were all cancelled was never bought.
    let gone: Vec<PartId> = parts
        .iter()
        .copied()
        .filter(|part| !pairs.contains_key(&(customer, *part)))
        .collect();
    if !gone.is_empty() {
        purchase_days::Entity::scoped_delete(tenant.id)
            .filter(purchase_days::Column::CustomerId.eq(customer))
            .filter(purchase_days::Column::PartId.is_in(gone))
            .exec(txn)
            .await?;
    }
    write(txn, tenant.id, pairs).await
}

/// Every customer's purchases per part by day before the day `before` (the dealer's zone).
pub async fn before(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    before: NaiveDate,
) -> Result<Vec<((CustomerId, PartId), Vec<Purchase>)>> {
    let rows: Vec<(CustomerId, PartId, String)> = purchase_days::Entity::scoped(tenant)
        .select_only()
        .columns([
            purchase_days::Column::CustomerId,
            purchase_days::Column::PartId,
            purchase_days::Column::Days,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (customer, part, days) in rows {
        let mut days = decode(&days)?;
        days.retain(|d| d.date < before);
        if !days.is_empty() {
            out.push(((customer, part), days));
        }
    }
    Ok(out)
}

/// Replaces the dealer's rows with rows derived from its whole history. The dealer's writers
/// wait for it (see [`crate::db::lock_dealer_writes`]).
pub async fn rebuild(db: &DatabaseConnection, tenant: &tenants::Model) -> Result<usize> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_dealer_writes(&txn, tenant.id).await?;
    purchase_days::Entity::scoped_delete(tenant.id).exec(&txn).await?;
    let pairs = by_pair(history(&txn, tenant, None).await?);
    let count = pairs.len();
    write(&txn, tenant.id, pairs).await?;
    txn.commit().await?;
    Ok(count)
}

/// Derives the rows of every dealer that has orders and none: a database from before they
/// existed, or a history written directly (the benchmark's).
pub async fn rebuild_missing(db: &DatabaseConnection) -> Result<usize> {
    let missing = crate::db::dealers_lacking(db, "order_lines", "purchase_days").await?;
    for id in &missing {
        let dealer = crate::tenants::find(db, *id).await?;
        rebuild(db, &dealer).await?;
    }
    Ok(missing.len())
}
