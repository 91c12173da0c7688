//! Writing parts: in batches, each part with its numbers, fitments and a search-outbox row,
//! all in the caller's transaction. Reading parts back with everything attached.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect};
use serde_json::Value;

use crate::catalog::part::{FitmentInput, NumberKind, PartInput};
use crate::db::TenantScoped;
use crate::entities::{fitments, part_numbers, parts, search_outbox};
use crate::error::Result;
use crate::ids::{PartId, TenantId};

/// Ids per `IN (...)` list.
const IN_CHUNK: usize = 500;

pub enum Planned {
    Insert(PartId, PartInput),
    Update(PartId, PartInput),
    Unchanged(PartId),
}

#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Each inserted or updated part as written, with the id of the change that announces it
    /// to the indexer.
    pub written: Vec<Written>,
}

/// A part as one transaction wrote it.
#[derive(Debug)]
pub struct Written {
    pub change_id: i64,
    pub part: PartId,
    pub input: PartInput,
    /// Inserted by this change (its first).
    pub new: bool,
}

/// Decide, by SKU, which inputs are new, changed or unchanged. Later inputs with the same
/// SKU as an earlier one in the batch win.
pub async fn plan_by_sku(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    inputs: Vec<PartInput>,
) -> Result<Vec<Planned>> {
    let mut latest: HashMap<String, usize> = HashMap::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        latest.insert(input.sku.clone(), i);
    }
    let mut existing: HashMap<String, (PartId, String)> = HashMap::with_capacity(inputs.len());
    let skus: Vec<&String> = latest.keys().collect();
    for chunk in skus.chunks(IN_CHUNK) {
        let rows: Vec<(PartId, String, String)> = parts::Entity::scoped(tenant)
            .select_only()
            .columns([parts::Column::Id, parts::Column::Sku, parts::Column::ContentHash])
            .filter(parts::Column::Sku.is_in(chunk.iter().map(|s| s.as_str())))
            .into_tuple()
            .all(conn)
            .await?;
        existing.extend(rows.into_iter().map(|(id, sku, hash)| (sku, (id, hash))));
    }
    Ok(inputs
        .into_iter()
        .enumerate()
        .filter(|(i, input)| latest.get(&input.sku) == Some(i))
        .map(|(_, input)| match existing.get(&input.sku) {
            Some((id, hash)) if *hash == input.content_hash() => Planned::Unchanged(*id),
            Some((id, _)) => Planned::Update(*id, input),
            None => Planned::Insert(PartId::generate(), input),
        })
        .collect())
}

fn part_model(
    id: PartId,
    tenant: TenantId,
    input: &PartInput,
    now: DateTime<Utc>,
    created: bool,
) -> parts::ActiveModel {
    parts::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant),
        sku: Set(input.sku.clone()),
        brand: Set(input.brand.clone()),
        name: Set(input.name.clone()),
        description: Set(input.description.clone()),
        category: Set(input.category.clone()),
        unit: Set(input.unit.clone()),
        price_minor: Set(input.price_minor),
        currency: Set(input.currency.clone()),
        stock: Set(input.stock),
        active: Set(input.active),
        attributes: Set(Value::Object(input.attributes.clone())),
        content_hash: Set(input.content_hash()),
        created_at: if created { Set(now) } else { NotSet },
        updated_at: Set(now),
    }
}

/// Apply a plan. Every inserted or updated part gets a search-outbox row in the same
/// transaction, so the index can never miss a committed change.
pub async fn apply(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    planned: Vec<Planned>,
    now: DateTime<Utc>,
) -> Result<BatchOutcome> {
    let mut outcome = BatchOutcome::default();
    let mut new_parts = Vec::new();
    // Each inserted (true) or updated (false) part.
    let mut changed: Vec<(PartId, PartInput, bool)> = Vec::new();
    for p in planned {
        match p {
            Planned::Insert(id, input) => {
                new_parts.push(part_model(id, tenant, &input, now, true));
                changed.push((id, input, true));
                outcome.inserted += 1;
            }
            Planned::Update(id, input) => {
                parts::Entity::scoped_update(tenant)
                    .set(part_model(id, tenant, &input, now, false))
                    .filter(parts::Column::Id.eq(id))
                    .exec(conn)
                    .await?;
                changed.push((id, input, false));
                outcome.updated += 1;
            }
            Planned::Unchanged(_) => outcome.unchanged += 1,
        }
    }
    crate::db::insert_chunked(conn, new_parts).await?;

    let updated_ids: Vec<PartId> = changed
        .iter()
        .filter(|(_, _, new)| !new)
        .map(|(id, _, _)| *id)
        .collect();
    for chunk in updated_ids.chunks(IN_CHUNK) {
        part_numbers::Entity::scoped_delete(tenant)
            .filter(part_numbers::Column::PartId.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
        fitments::Entity::scoped_delete(tenant)
            .filter(fitments::Column::PartId.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }

    let mut numbers = Vec::new();
    let mut fits = Vec::new();
    let mut outbox = Vec::with_capacity(changed.len());
    for (id, input, _) in &changed {
        for n in &input.numbers {
            numbers.push(part_numbers::ActiveModel {
                id: NotSet,
                tenant_id: Set(tenant),
                part_id: Set(*id),
                kind: Set(n.kind.as_str().to_owned()),
                brand: Set(n.brand.clone()),
                raw: Set(n.raw.clone()),
                normalized: Set(n.normalized.clone()),
                side: Set(n.side.map(str::to_owned)),
            });
        }
        for f in &input.fitments {
            fits.push(fitments::ActiveModel {
                id: NotSet,
                tenant_id: Set(tenant),
                part_id: Set(*id),
                make: Set(f.make.clone()),
                model: Set(f.model.clone()),
                year_from: Set(f.year_from),
                year_to: Set(f.year_to),
                engine: Set(f.engine.clone()),
                note: Set(f.note.clone()),
            });
        }
        outbox.push(outbox_row(tenant, *id, now));
    }
    crate::db::insert_chunked(conn, numbers).await?;
    crate::db::insert_chunked(conn, fits).await?;
    let mut change_ids: HashMap<PartId, i64> = HashMap::with_capacity(changed.len());
    for row in crate::db::insert_returning(conn, outbox, "id, part_id").await? {
        change_ids.insert(row.try_get("", "part_id")?, row.try_get("", "id")?);
    }
    outcome.written = changed
        .into_iter()
        .filter_map(|(part, input, new)| {
            Some(Written {
                change_id: *change_ids.get(&part)?,
                part,
                input,
                new,
            })
        })
        .collect();
    Ok(outcome)
}

pub fn outbox_row(tenant: TenantId, part: PartId, now: DateTime<Utc>) -> search_outbox::ActiveModel {
    search_outbox::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant),
        part_id: Set(part),
        created_at: Set(now),
    }
}

impl From<&fitments::Model> for FitmentInput {
    fn from(f: &fitments::Model) -> Self {
        Self {
            make: f.make.clone(),
            model: f.model.clone(),
            year_from: f.year_from,
            year_to: f.year_to,
            engine: f.engine.clone(),
            note: f.note.clone(),
        }
    }
}

/// A part with its numbers and fitments.
#[derive(Debug, Clone)]
pub struct FullPart {
    pub part: parts::Model,
    pub numbers: Vec<part_numbers::Model>,
    pub fitments: Vec<fitments::Model>,
}

impl FullPart {
    /// Back to the input form, e.g. to apply a partial update.
    pub fn to_input(&self) -> PartInput {
        let numbers = self
            .numbers
            .iter()
            .filter_map(|n| {
                Some(crate::catalog::part::NumberInput {
                    kind: NumberKind::parse(&n.kind)?,
                    brand: n.brand.clone(),
                    raw: n.raw.clone(),
                    normalized: n.normalized.clone(),
                    side: match n.side.as_deref() {
                        Some("L") => Some("L"),
                        Some("R") => Some("R"),
                        _ => None,
                    },
                })
            })
            .collect();
        PartInput {
            sku: self.part.sku.clone(),
            name: self.part.name.clone(),
            brand: self.part.brand.clone(),
            description: self.part.description.clone(),
            category: self.part.category.clone(),
            unit: self.part.unit.clone(),
            price_minor: self.part.price_minor,
            currency: self.part.currency.clone(),
            stock: self.part.stock,
            active: self.part.active,
            numbers,
            fitments: self.fitments.iter().map(FitmentInput::from).collect(),
            attributes: self.part.attributes.as_object().cloned().unwrap_or_default(),
        }
    }
}

/// Attach numbers and fitments to parts of `tenant`.
pub async fn attach(conn: &impl ConnectionTrait, tenant: TenantId, found: Vec<parts::Model>) -> Result<Vec<FullPart>> {
    let ids: Vec<PartId> = found.iter().map(|p| p.id).collect();
    let mut numbers: HashMap<PartId, Vec<part_numbers::Model>> = HashMap::new();
    let mut fits: HashMap<PartId, Vec<fitments::Model>> = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        for n in part_numbers::Entity::scoped(tenant)
            .filter(part_numbers::Column::PartId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            numbers.entry(n.part_id).or_default().push(n);
        }
        for f in fitments::Entity::scoped(tenant)
            .filter(fitments::Column::PartId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            fits.entry(f.part_id).or_default().push(f);
        }
    }
    Ok(found
        .into_iter()
        .map(|part| {
            let mut numbers = numbers.remove(&part.id).unwrap_or_default();
            numbers.sort_by_key(|n| n.id);
            let mut fitments = fits.remove(&part.id).unwrap_or_default();
            fitments.sort_by_key(|f| f.id);
            FullPart {
                part,
                numbers,
                fitments,
            }
        })
        .collect())
}
