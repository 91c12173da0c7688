//! Tenant scoping in one place: a tenant-owned entity is only reached through these
//! helpers, which all take the tenant id that the authentication extractor yields.

use sea_orm::{ColumnTrait, DeleteMany, EntityTrait, QueryFilter, Select, UpdateMany};

use crate::ids::TenantId;

#[expect(
    clippy::disallowed_methods,
    reason = "the one door: each helper adds the dealer's filter to sea-orm's unscoped entry points"
)]
pub trait TenantScoped: EntityTrait {
    fn tenant_column() -> Self::Column;

    fn scoped(tenant: TenantId) -> Select<Self> {
        Self::find().filter(Self::tenant_column().eq(tenant))
    }

    fn scoped_by_id<K>(tenant: TenantId, id: K) -> Select<Self>
    where
        K: Into<<Self::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
    {
        Self::find_by_id(id).filter(Self::tenant_column().eq(tenant))
    }

    fn scoped_update(tenant: TenantId) -> UpdateMany<Self> {
        Self::update_many().filter(Self::tenant_column().eq(tenant))
    }

    fn scoped_delete(tenant: TenantId) -> DeleteMany<Self> {
        Self::delete_many().filter(Self::tenant_column().eq(tenant))
    }
}
