//! Per-dealer synonym groups for name search, with a built-in default of Chinese and
//! English trade slang that applies until a dealer sets its own list.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{DatabaseConnection, EntityTrait, sea_query::OnConflict};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cache::TenantCache;
use crate::db::TenantScoped;
use crate::entities::catalog_synonyms;
use crate::error::Result;
use crate::ids::TenantId;
use crate::validate::Validator;

pub const MAX_GROUPS: usize = 1_000;
pub const MAX_TERMS_PER_GROUP: usize = 20;
pub const MAX_TERM_CHARS: usize = 50;

/// Words a parts clerk treats as the same thing: the standard (EPC) names, the trade names
/// and abbreviations shops type, and the English names, one group per line of
/// `synonyms.txt`, compiled in. A dealer's own groups replace them.
static DEFAULT_GROUPS: std::sync::LazyLock<Vec<Vec<String>>> = std::sync::LazyLock::new(|| {
    include_str!("synonyms.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.split('|')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|group| group.len() > 1)
        .collect()
});

pub fn default_groups() -> Vec<Vec<String>> {
    DEFAULT_GROUPS.clone()
}

/// The groups that apply to a dealer's searches.
pub async fn load(db: &sea_orm::DatabaseConnection, tenant: TenantId) -> Result<(Vec<Vec<String>>, bool)> {
    Ok(match own_groups(db, tenant).await? {
        Some(groups) => (groups, true),
        None => (default_groups(), false),
    })
}

/// The dealer's own groups, if it has set any.
async fn own_groups(db: &sea_orm::DatabaseConnection, tenant: TenantId) -> Result<Option<Vec<Vec<String>>>> {
    let row = catalog_synonyms::Entity::scoped(tenant).one(db).await?;
    Ok(row.and_then(|r| serde_json::from_value(r.groups).ok()))
}

/// How long another server's synonym change may take to reach this one's searches.
const CACHE_TTL: Duration = Duration::from_secs(30);

/// Synonyms per dealer.
pub struct SynonymCache(TenantCache<Groups>);

impl Default for SynonymCache {
    fn default() -> Self {
        Self(TenantCache::new(CACHE_TTL))
    }
}

/// A dealer's groups, ready to search with.
pub type Groups = Arc<search_index::Synonyms>;

/// The built-in groups, made ready once and shared by every dealer that has none of its own.
static DEFAULT_SYNONYMS: std::sync::LazyLock<Groups> =
    std::sync::LazyLock::new(|| Arc::new(search_index::Synonyms::new(default_groups())));

impl SynonymCache {
    pub async fn get(&self, db: &sea_orm::DatabaseConnection, tenant: TenantId) -> Result<Groups> {
        self.0
            .get_or_load(tenant, async {
                Ok(match own_groups(db, tenant).await? {
                    Some(groups) => Arc::new(search_index::Synonyms::new(groups)),
                    None => Arc::clone(&DEFAULT_SYNONYMS),
                })
            })
            .await
    }

    pub fn invalidate(&self, tenant: TenantId) {
        self.0.invalidate(tenant);
    }

    pub fn clear(&self) {
        self.0.clear();
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SynonymsResponse {
    /// Each group lists words that search treats as the same.
    #[schema(example = json!([["机滤", "机油滤清器", "机油格"]]))]
    pub groups: Vec<Vec<String>>,
    /// `false` while the built-in default list applies.
    pub custom: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SynonymsRequest {
    /// Up to 1,000 groups of 2-20 words, each at most 50 characters. An empty list turns
    /// synonyms off; start from the default list returned by GET to extend it.
    pub groups: Vec<Vec<String>>,
}

/// The groups that apply to the dealer's searches, and whether they are its own.
pub async fn current(db: &DatabaseConnection, tenant: TenantId) -> Result<SynonymsResponse> {
    let (groups, custom) = load(db, tenant).await?;
    Ok(SynonymsResponse { groups, custom })
}

/// Replaces the dealer's groups; this process's searches use them at once.
pub async fn replace(
    db: &DatabaseConnection,
    cache: &SynonymCache,
    tenant: TenantId,
    body: SynonymsRequest,
    now: DateTime<Utc>,
) -> Result<SynonymsResponse> {
    let mut v = Validator::default();
    if body.groups.len() > MAX_GROUPS {
        v.error("/groups", "too_many", format!("at most {MAX_GROUPS} groups"));
    }
    let mut groups = Vec::with_capacity(body.groups.len());
    for (i, group) in body.groups.iter().enumerate() {
        let terms: Vec<String> = group
            .iter()
            .enumerate()
            .map(|(j, t)| v.text(&format!("/groups/{i}/{j}"), t, MAX_TERM_CHARS))
            .collect();
        if !(2..=MAX_TERMS_PER_GROUP).contains(&terms.len()) {
            v.error(
                &format!("/groups/{i}"),
                "invalid_length",
                format!("2 to {MAX_TERMS_PER_GROUP} words"),
            );
        }
        groups.push(terms);
    }
    v.finish()?;
    catalog_synonyms::Entity::insert(catalog_synonyms::ActiveModel {
        tenant_id: Set(tenant),
        groups: Set(serde_json::to_value(&groups).map_err(anyhow::Error::from)?),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(catalog_synonyms::Column::TenantId)
            .update_columns([catalog_synonyms::Column::Groups, catalog_synonyms::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    crate::db::invalidation::publish(db, &crate::db::invalidation::Change::Synonyms(tenant)).await?;
    cache.invalidate(tenant);
    Ok(SynonymsResponse { groups, custom: true })
}
