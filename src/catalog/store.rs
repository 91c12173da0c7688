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

/// A part to write, with the hash of its content (see [`PartInput::content_hash`]). An import
/// hashes on its file reader's thread, beside the database writer rather than in its way.
#[derive(Debug)]
pub struct Hashed {
    pub input: PartInput,
    pub hash: String,
}

impl Hashed {
    pub fn new(input: PartInput) -> Self {
        let hash = input.content_hash();
        Self { input, hash }
    }
}

pub enum Planned {
    Insert(PartId, Hashed),
    Update(PartId, Hashed),
    Unchanged(PartId),
}

impl Planned {
    /// The part this writes, with whether it is new; `None` if unchanged.
    fn into_write(self) -> Option<(PartId, Hashed, bool)> {
        match self {
            Self::Insert(id, hashed) => Some((id, hashed, true)),
            Self::Update(id, hashed) => Some((id, hashed, false)),
            Self::Unchanged(_) => None,
        }
    }
}

/// What a plan applied: counts, and the id of the change that announces each written part
/// to the indexer.
#[derive(Debug, Default)]
pub struct Applied {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    change_ids: HashMap<PartId, i64>,
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

/// Where the catalog's current parts come from when planning a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Looked up by SKU.
    LookUp,
    /// Known to hold none of the batch's SKUs (a first import into an empty catalog), so
    /// every part is new and nothing is read. Should a concurrent write have added one, the
    /// insert fails on the unique SKU index and the batch can be planned again with
    /// [`Existing::LookUp`].
    None,
}

/// Decide, by SKU, which inputs are new, changed or unchanged. Later inputs with the same
/// SKU as an earlier one in the batch win.
pub async fn plan_by_sku(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    inputs: Vec<Hashed>,
    existing: Existing,
) -> Result<Vec<Planned>> {
    let mut latest: HashMap<String, usize> = HashMap::with_capacity(inputs.len());
    for (i, hashed) in inputs.iter().enumerate() {
        latest.insert(hashed.input.sku.clone(), i);
    }
    let mut current: HashMap<String, (PartId, String)> = HashMap::new();
    if existing == Existing::LookUp {
        let skus: Vec<&String> = latest.keys().collect();
        for chunk in skus.chunks(IN_CHUNK) {
            let rows: Vec<(PartId, String, String)> = parts::Entity::scoped(tenant)
                .select_only()
                .columns([parts::Column::Id, parts::Column::Sku, parts::Column::ContentHash])
                .filter(parts::Column::Sku.is_in(chunk.iter().map(|s| s.as_str())))
                .into_tuple()
                .all(conn)
                .await?;
            current.extend(rows.into_iter().map(|(id, sku, hash)| (sku, (id, hash))));
        }
    }
    Ok(inputs
        .into_iter()
        .enumerate()
        .filter(|(i, hashed)| latest.get(&hashed.input.sku) == Some(i))
        .map(|(_, hashed)| match current.get(&hashed.input.sku) {
            Some((id, hash)) if *hash == hashed.hash => Planned::Unchanged(*id),
            Some((id, _)) => Planned::Update(*id, hashed),
            None => Planned::Insert(PartId::generate(), hashed),
        })
        .collect())
}

/// The parts of a plan that failed, to plan again (a plan made with [`Existing::None`] holds
/// only inserts, so none is lost).
pub fn replan(planned: Vec<Planned>) -> Vec<Hashed> {
    planned
        .into_iter()
        .filter_map(Planned::into_write)
        .map(|(_, hashed, _)| hashed)
        .collect()
}

fn part_model(id: PartId, tenant: TenantId, hashed: &Hashed, now: DateTime<Utc>, created: bool) -> parts::ActiveModel {
    let input = &hashed.input;
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
        // Reservations belong to orders: an import or edit never touches them.
        reserved: NotSet,
        active: Set(input.active),
        attributes: Set(Value::Object(input.attributes.clone())),
        content_hash: Set(hashed.hash.clone()),
        created_at: if created { Set(now) } else { NotSet },
        updated_at: Set(now),
    }
}

/// Apply a plan. Every inserted or updated part gets a search-outbox row in the same
/// transaction, so the index can never miss a committed change. The plan is only read, so
/// that a batch that fails can be planned again.
pub async fn apply(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    planned: &[Planned],
    now: DateTime<Utc>,
) -> Result<Applied> {
    let mut applied = Applied::default();
    let mut new_parts = Vec::new();
    // Each inserted or updated part.
    let mut changed: Vec<(PartId, &PartInput)> = Vec::new();
    for p in planned {
        match p {
            Planned::Insert(id, hashed) => {
                new_parts.push(part_model(*id, tenant, hashed, now, true));
                changed.push((*id, &hashed.input));
                applied.inserted += 1;
            }
            Planned::Update(id, hashed) => {
                parts::Entity::scoped_update(tenant)
                    .set(part_model(*id, tenant, hashed, now, false))
                    .filter(parts::Column::Id.eq(*id))
                    .exec(conn)
                    .await?;
                changed.push((*id, &hashed.input));
                applied.updated += 1;
            }
            Planned::Unchanged(_) => applied.unchanged += 1,
        }
    }
    crate::db::insert_chunked(conn, new_parts).await?;

    let updated_ids: Vec<PartId> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::Update(id, _) => Some(*id),
            _ => None,
        })
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
    for (id, input) in &changed {
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
    applied.change_ids.reserve(changed.len());
    for row in crate::db::insert_returning(conn, outbox, "id, part_id").await? {
        applied
            .change_ids
            .insert(row.try_get("", "part_id")?, row.try_get("", "id")?);
    }
    Ok(applied)
}

/// The parts a committed plan wrote, each with the change that announces it.
pub fn written(planned: Vec<Planned>, applied: &Applied) -> Vec<Written> {
    planned
        .into_iter()
        .filter_map(Planned::into_write)
        .filter_map(|(part, hashed, new)| {
            Some(Written {
                change_id: *applied.change_ids.get(&part)?,
                part,
                input: hashed.input,
                new,
            })
        })
        .collect()
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
