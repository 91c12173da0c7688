//! A dealer's own names for vehicles, added to the built-in vocabulary for what its shops
//! write: a nickname (`小卡` for a COROLLA), a regional name, a model the built-in facts lack.
//! They apply to search text, inquiry lines and filters; the catalog's own fitment is read as
//! the built-in vocabulary reads it, so a new model is best named as the catalog writes it.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseConnection, EntityTrait, sea_query::OnConflict};
use search_index::vehicles::{DealerAlias, Vocabulary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cache::TenantCache;
use crate::db::TenantScoped;
use crate::entities::vehicle_aliases;
use crate::error::Result;
use crate::ids::TenantId;
use crate::validate::Validator;

pub const MAX_ALIASES: usize = 2_000;
pub const ALIAS_MIN_CHARS: usize = 2;
pub const ALIAS_MAX_CHARS: usize = 30;
pub const MAKE_MAX_CHARS: usize = 50;
pub const MODEL_MAX_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleAlias {
    /// The word as shops write it, 2-30 characters; matched without regard to case, Chinese
    /// anywhere in a text, Latin letters and digits as a whole word.
    #[schema(example = "小卡", min_length = 2, max_length = 30)]
    pub alias: String,
    /// The make, in any spelling the vocabulary knows (`丰田`, `Toyota`), or a make of its own.
    #[schema(example = "丰田", max_length = 50)]
    pub make: String,
    /// The model family, if the alias names one (`卡罗拉`, `COROLLA`, `REFINE S3`); without
    /// it the alias names the make.
    #[schema(example = "COROLLA", max_length = 80)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleAliasesResponse {
    pub aliases: Vec<VehicleAlias>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleAliasesRequest {
    /// Up to 2,000 aliases, each alias at most once (case ignored). Replaces the dealer's
    /// list; an empty list removes it.
    #[schema(max_items = 2000)]
    pub aliases: Vec<VehicleAlias>,
}

/// The dealer's aliases as stored.
pub async fn load(db: &DatabaseConnection, tenant: TenantId) -> Result<Vec<VehicleAlias>> {
    let row = vehicle_aliases::Entity::scoped(tenant).one(db).await?;
    Ok(row
        .and_then(|r| serde_json::from_value(r.aliases).ok())
        .unwrap_or_default())
}

pub async fn current(db: &DatabaseConnection, tenant: TenantId) -> Result<VehicleAliasesResponse> {
    Ok(VehicleAliasesResponse {
        aliases: load(db, tenant).await?,
    })
}

/// Replaces the dealer's aliases; this process's searches and matching use them at once.
pub async fn replace(
    db: &DatabaseConnection,
    cache: &VehicleCache,
    tenant: TenantId,
    body: VehicleAliasesRequest,
    now: DateTime<Utc>,
) -> Result<VehicleAliasesResponse> {
    let mut v = Validator::default();
    if body.aliases.len() > MAX_ALIASES {
        v.error("/aliases", "too_many", format!("at most {MAX_ALIASES} aliases"));
    }
    let mut seen = HashSet::new();
    let mut aliases = Vec::with_capacity(body.aliases.len());
    for (i, entry) in body.aliases.iter().enumerate() {
        let alias = v.text(&format!("/aliases/{i}/alias"), &entry.alias, ALIAS_MAX_CHARS);
        if !alias.is_empty() && alias.chars().count() < ALIAS_MIN_CHARS {
            v.error(
                &format!("/aliases/{i}/alias"),
                "too_short",
                format!("at least {ALIAS_MIN_CHARS} characters"),
            );
        }
        if !alias.is_empty() && !seen.insert(alias.to_uppercase()) {
            v.error(
                &format!("/aliases/{i}/alias"),
                "duplicate",
                "this alias is listed already",
            );
        }
        let make = v.text(&format!("/aliases/{i}/make"), &entry.make, MAKE_MAX_CHARS);
        let model = v.opt_text(&format!("/aliases/{i}/model"), entry.model.as_deref(), MODEL_MAX_CHARS);
        aliases.push(VehicleAlias { alias, make, model });
    }
    v.finish()?;
    vehicle_aliases::Entity::insert(vehicle_aliases::ActiveModel {
        tenant_id: Set(tenant),
        aliases: Set(serde_json::to_value(&aliases).map_err(anyhow::Error::from)?),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(vehicle_aliases::Column::TenantId)
            .update_columns([vehicle_aliases::Column::Aliases, vehicle_aliases::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    crate::db::invalidation::publish(db, &crate::db::invalidation::Change::VehicleAliases(tenant)).await?;
    cache.invalidate(tenant);
    Ok(VehicleAliasesResponse { aliases })
}

/// How long another server's alias change may take to reach this one.
const CACHE_TTL: Duration = Duration::from_secs(30);

/// The vocabulary each dealer's text is read with: the built-in one, shared, for dealers
/// without aliases, and the built-in one extended for each dealer with some.
pub struct VehicleCache(TenantCache<Arc<Vocabulary>>);

impl Default for VehicleCache {
    fn default() -> Self {
        Self(TenantCache::new(CACHE_TTL))
    }
}

impl VehicleCache {
    pub async fn get(&self, db: &DatabaseConnection, tenant: TenantId) -> Result<Arc<Vocabulary>> {
        self.0.get_or_load(tenant, vocabulary_of(db, tenant)).await
    }

    pub fn invalidate(&self, tenant: TenantId) {
        self.0.invalidate(tenant);
    }

    pub fn clear(&self) {
        self.0.clear();
    }
}

async fn vocabulary_of(db: &DatabaseConnection, tenant: TenantId) -> Result<Arc<Vocabulary>> {
    let aliases = load(db, tenant).await?;
    if aliases.is_empty() {
        return Ok(search_index::vehicles::shared_vocabulary());
    }
    let dealer: Vec<DealerAlias> = aliases
        .into_iter()
        .map(|a| DealerAlias {
            alias: a.alias,
            make: a.make,
            model: a.model,
        })
        .collect();
    Ok(Arc::new(search_index::vehicles::vocabulary().with_aliases(&dealer)))
}
