//! The catalog as CSV in the import format, streamed page by page; importing the file back
//! changes nothing.

use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect};

use crate::catalog::rows::EXPORT_HEADER;
use crate::catalog::store::{self, FullPart};
use crate::db::TenantScoped;
use crate::entities::parts;
use crate::ids::{PartId, TenantId};
use crate::money::format_price;

const PAGE: u64 = 1_000;

fn numbers_cell(part: &FullPart, kind: &str) -> String {
    part.numbers
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| {
            let number = match &n.side {
                Some(side) => format!("{} ({side})", n.raw),
                None => n.raw.clone(),
            };
            match &n.brand {
                Some(brand) if kind != "article" => format!("{brand}:{number}"),
                _ => number,
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn fitment_cell(part: &FullPart) -> String {
    part.fitments
        .iter()
        .map(|f| {
            let years = match (f.year_from, f.year_to) {
                (None, None) => String::new(),
                (from, to) => format!(
                    "{}-{}",
                    from.map(|y| y.to_string()).unwrap_or_default(),
                    to.map(|y| y.to_string()).unwrap_or_default()
                ),
            };
            let fields = [
                f.make.clone(),
                f.model.clone().unwrap_or_default(),
                years,
                f.engine.clone().unwrap_or_default(),
                f.note.clone().unwrap_or_default(),
            ];
            fields.join("|").trim_end_matches('|').to_owned()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn write_rows(out: &mut csv::Writer<Vec<u8>>, parts: &[FullPart]) -> csv::Result<()> {
    for p in parts {
        let article = p
            .numbers
            .iter()
            .find(|n| n.kind == "article")
            .map(|n| n.raw.clone())
            .unwrap_or_default();
        let attributes = match p.part.attributes.as_object() {
            Some(map) if !map.is_empty() => p.part.attributes.to_string(),
            _ => String::new(),
        };
        out.write_record([
            p.part.sku.as_str(),
            &p.part.name,
            p.part.brand.as_deref().unwrap_or_default(),
            p.part.category.as_deref().unwrap_or_default(),
            p.part.description.as_deref().unwrap_or_default(),
            p.part.unit.as_deref().unwrap_or_default(),
            &p.part.price_minor.map(format_price).unwrap_or_default(),
            &p.part.currency,
            &p.part.stock.to_string(),
            if p.part.active { "true" } else { "false" },
            &article,
            &numbers_cell(p, "oe"),
            &numbers_cell(p, "interchange"),
            &numbers_cell(p, "supersedes"),
            &numbers_cell(p, "superseded_by"),
            &fitment_cell(p),
            &attributes,
        ])?;
    }
    Ok(())
}

async fn page(db: &DatabaseConnection, tenant: TenantId, after: Option<PartId>) -> crate::error::Result<Vec<FullPart>> {
    let mut query = parts::Entity::scoped(tenant)
        .order_by_asc(parts::Column::Id)
        .limit(PAGE);
    if let Some(after) = after {
        query = query.filter(parts::Column::Id.gt(after));
    }
    let found = query.all(db).await?;
    store::attach(db, tenant, found).await
}

/// The whole catalog as CSV in the import's columns, a page of parts per chunk, so that a
/// million parts never sit in memory. A failure after the first chunk ends the stream with
/// an error (the download is then incomplete, never silently short). Fused, because a
/// compressing body polls once more after the end to flush its encoder.
pub fn csv_chunks(db: DatabaseConnection, tenant: TenantId) -> impl Stream<Item = std::io::Result<Vec<u8>>> {
    futures_util::stream::unfold(Some((None::<PartId>, true)), move |cursor| {
        let db = db.clone();
        async move {
            let (after, first) = cursor?;
            let mut out = csv::Writer::from_writer(Vec::new());
            if first {
                out.write_record(EXPORT_HEADER).ok()?;
            }
            let parts = match page(&db, tenant, after).await {
                Ok(parts) => parts,
                Err(err) => {
                    tracing::error!(error = %err, "export stopped");
                    return Some((Err(std::io::Error::other("export failed")), None));
                }
            };
            let next = (parts.len() as u64 == PAGE)
                .then(|| parts.last().map(|p| p.part.id))
                .flatten();
            if let Err(err) = write_rows(&mut out, &parts) {
                return Some((Err(std::io::Error::other(err)), None));
            }
            let bytes = out.into_inner().ok()?;
            Some((Ok(bytes), next.map(|n| (Some(n), false))))
        }
    })
    .fuse()
}
