//! Stock held for orders. `parts.reserved` counts units promised to orders and not yet
//! dispatched; what can still be sold is `available = stock - reserved` (never shown below
//! zero). Every change is one conditional UPDATE, so concurrent accepts on SQLite and
//! PostgreSQL alike never reserve more than the shelf holds.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};

use crate::db::TenantScoped;
use crate::entities::parts;
use crate::error::Result;
use crate::ids::{PartId, TenantId};

pub use crate::entities::parts::available;

/// Reserves up to `wanted` units of a part and says how many it got (the rest is backorder).
/// The UPDATE only succeeds while the part still has that many available; when a concurrent
/// reservation took some first (PostgreSQL re-checks the condition on the row it waited
/// for), it reads again and tries for what is left.
pub async fn reserve(db: &impl ConnectionTrait, tenant: TenantId, part: PartId, wanted: i64) -> Result<i64> {
    if wanted <= 0 {
        return Ok(0);
    }
    loop {
        let Some((stock, reserved)) = parts::Entity::scoped_by_id(tenant, part)
            .select_only()
            .columns([parts::Column::Stock, parts::Column::Reserved])
            .into_tuple::<(i64, i64)>()
            .one(db)
            .await?
        else {
            return Ok(0);
        };
        let take = std::cmp::min(wanted, available(stock, reserved));
        if take == 0 {
            return Ok(0);
        }
        let won = parts::Entity::scoped_update(tenant)
            .col_expr(parts::Column::Reserved, Expr::col(parts::Column::Reserved).add(take))
            .filter(parts::Column::Id.eq(part))
            .filter(
                Expr::col(parts::Column::Stock)
                    .sub(Expr::col(parts::Column::Reserved))
                    .gte(take),
            )
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if won {
            return Ok(take);
        }
    }
}

/// `column - n`, but not below zero.
fn less(column: parts::Column, n: i64) -> Expr {
    Expr::case(Expr::col(column).gte(n), Expr::col(column).sub(n))
        .finally(Expr::val(0i64))
        .into()
}

/// Gives back units a cancelled order held.
pub async fn release(db: &impl ConnectionTrait, tenant: TenantId, part: PartId, n: i64) -> Result<()> {
    if n > 0 {
        parts::Entity::scoped_update(tenant)
            .col_expr(parts::Column::Reserved, less(parts::Column::Reserved, n))
            .filter(parts::Column::Id.eq(part))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Units that left the shelf in a shipment: they were reserved, and now they are gone from
/// stock and reservations alike, so `available` does not change.
pub async fn consume(db: &impl ConnectionTrait, tenant: TenantId, part: PartId, n: i64) -> Result<()> {
    if n > 0 {
        parts::Entity::scoped_update(tenant)
            .col_expr(parts::Column::Stock, less(parts::Column::Stock, n))
            .col_expr(parts::Column::Reserved, less(parts::Column::Reserved, n))
            .filter(parts::Column::Id.eq(part))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::available;

    #[test]
    fn available_is_never_negative() {
        assert_eq!(available(5, 2), 3);
        assert_eq!(available(2, 5), 0);
    }
}
