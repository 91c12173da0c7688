//! Inquiries: a shop asks for parts; every line is matched to the catalog before the response
//! returns, and a draft quote is made (and sent at once when nothing needs a person).

pub mod reads;
pub mod routes;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect,
};
use search_index::SearchIndex;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Actor, Shop};
use crate::catalog::lexicon::Lexicon;
use crate::claims::ClaimResponse;
use crate::customers::CustomerRef;
use crate::db::TenantScoped;
use crate::entities::{InquiryOrigin, customers, inquiries, inquiry_lines, quotes, tenants};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::idempotency::{self, Stored};
use crate::ids::{ApiKeyId, CustomerId, InquiryId, InquiryLineId, QuoteId, QuoteLineId, TenantId};
use crate::matching::{self, Candidate, Confidence, LineQuery, VehicleHint};
use crate::pagination::{PageParams, finish_page};
use crate::quotes::{QuoteStatus, View, draft};
use crate::validate::Validator;
use crate::vehicles::{self, DecodedVin};
use search_index::vehicles::Vocabulary;

pub const LINES_MAX: usize = 200;
pub const QUANTITY_MAX: i64 = 10_000;
pub const TEXT_MAX: usize = 500;
pub const REFERENCE_MAX: usize = 100;
pub const PART_NUMBER_MAX: usize = 64;
pub const SHORT_MAX: usize = 100;
pub const NOTE_MAX: usize = 500;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInquiryRequest {
    /// The shop's own reference (a job card number, say), up to 100 characters.
    #[schema(example = "工单 2026-1187")]
    pub reference: Option<String>,
    pub vehicle: Option<VehicleRequest>,
    /// 1-200 lines.
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<InquiryLineRequest>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleRequest {
    /// 17 characters, never I, O or Q. Its maker and model year are decoded; a failed check
    /// digit is a warning, not an error.
    #[schema(example = "LFV2A21K6K4123456")]
    pub vin: Option<String>,
    /// Up to 100 characters.
    #[schema(example = "Volkswagen")]
    pub make: Option<String>,
    #[schema(example = "Sagitar")]
    pub model: Option<String>,
    #[schema(example = 2019)]
    pub year: Option<i32>,
    pub engine: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InquiryLineRequest {
    /// What is needed, in any language, up to 500 characters (`前刹车片`, `04E 115 561 H x2`).
    /// Required unless `part_number` is given.
    #[serde(default)]
    #[schema(example = "前刹车片")]
    pub text: String,
    /// A part number, in any spelling; up to 64 characters.
    pub part_number: Option<String>,
    /// The brand wanted, up to 100 characters.
    pub brand: Option<String>,
    /// 1-10,000; default: a quantity written in the text (`x2`, `2个`, or against a number the
    /// catalog holds once it is read off: `09864247353个`), else 1.
    #[schema(minimum = 1, maximum = 10_000)]
    pub quantity: Option<i64>,
    /// Up to 500 characters.
    pub note: Option<String>,
}

/// A checked inquiry, ready to match.
pub struct ValidInquiry {
    pub reference: Option<String>,
    pub vehicle: Option<VehicleResponse>,
    pub warnings: Vec<String>,
    pub lines: Vec<ValidLine>,
}

pub struct ValidLine {
    pub text: String,
    pub part_number: Option<String>,
    pub brand: Option<String>,
    pub quantity: i32,
    pub unit: Option<String>,
    /// Whether the shop gave `quantity`; if not, one the matcher reads off the end of a
    /// number (`09864247353个`) is taken over one read from the text.
    pub quantity_given: bool,
    /// The position of the shop's line this one was split from.
    pub split_from: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VehicleResponse {
    pub vin: Option<String>,
    /// As given, or decoded from the VIN.
    pub make: Option<String>,
    pub model: Option<String>,
    /// As given, or decoded from the VIN.
    pub year: Option<i32>,
    pub engine: Option<String>,
    /// What the VIN says.
    #[schema(value_type = Option<DecodedVin>)]
    pub decoded: Option<serde_json::Value>,
}

impl VehicleResponse {
    pub fn hint(&self) -> VehicleHint {
        VehicleHint {
            make: self.make.clone(),
            model: self.model.clone(),
            year: self.year,
            from_line: Vec::new(),
        }
    }
}

/// Checks an inquiry and reads its lines with the dealer's vehicle vocabulary.
pub fn validate(body: &CreateInquiryRequest, now: DateTime<Utc>, vocabulary: &Vocabulary) -> Result<ValidInquiry> {
    let mut v = Validator::default();
    let reference = v.opt_text("/reference", body.reference.as_deref(), REFERENCE_MAX);
    let mut warnings = Vec::new();
    let vehicle = body.vehicle.as_ref().map(|given| {
        let make = v.opt_text("/vehicle/make", given.make.as_deref(), SHORT_MAX);
        let model = v.opt_text("/vehicle/model", given.model.as_deref(), SHORT_MAX);
        let engine = v.opt_text("/vehicle/engine", given.engine.as_deref(), SHORT_MAX);
        if given.year.is_some_and(|y| !(1900..=now.year() + 1).contains(&y)) {
            v.error("/vehicle/year", "out_of_range", "a model year from 1900 to next year");
        }
        let mut decoded: Option<DecodedVin> = None;
        let vin = given.vin.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(vin) = vin {
            match vehicles::decode(vin, now.year()) {
                Ok(d) => {
                    if !d.check_digit_valid {
                        warnings.push("the VIN's check digit does not match (common outside North America)".to_owned());
                    }
                    if d.make.is_none() {
                        warnings.push(format!("maker code {} is not known", d.wmi));
                    }
                    decoded = Some(d);
                }
                Err(err) => v.error("/vehicle/vin", "invalid_vin", err.to_string()),
            }
        }
        // The decoded model only for the make the shop named, if it named one.
        let decoded_model = decoded
            .as_ref()
            .filter(|d| {
                make.as_deref()
                    .is_none_or(|m| d.make.as_deref() == Some(vocabulary.make(m).as_str()))
            })
            .and_then(|d| d.model.clone());
        VehicleResponse {
            vin: decoded.as_ref().map(|d| d.vin.clone()),
            make: make.or_else(|| decoded.as_ref().and_then(|d| d.make.clone())),
            model: model.or(decoded_model),
            year: given.year.or_else(|| decoded.as_ref().and_then(|d| d.model_year)),
            engine,
            decoded: decoded.and_then(|d| serde_json::to_value(d).ok()),
        }
    });
    if body.lines.is_empty() || body.lines.len() > LINES_MAX {
        v.error("/lines", "out_of_range", format!("1 to {LINES_MAX} lines"));
    }
    let checked: Vec<ValidLine> = body
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let at = format!("/lines/{i}");
            let part_number = v.opt_text(
                &format!("{at}/part_number"),
                line.part_number.as_deref(),
                PART_NUMBER_MAX,
            );
            let text = if line.text.trim().is_empty() && part_number.is_some() {
                String::new()
            } else {
                v.text(&format!("{at}/text"), &line.text, TEXT_MAX)
            };
            let brand = v.opt_text(&format!("{at}/brand"), line.brand.as_deref(), SHORT_MAX);
            let note = v.opt_text(&format!("{at}/note"), line.note.as_deref(), NOTE_MAX);
            let parsed = matching::line::parse(&text);
            let quantity = line.quantity.or(parsed.quantity).unwrap_or(1);
            if !(1..=QUANTITY_MAX).contains(&quantity) {
                v.error(
                    &format!("{at}/quantity"),
                    "out_of_range",
                    format!("between 1 and {QUANTITY_MAX}"),
                );
            }
            ValidLine {
                text,
                part_number,
                brand,
                quantity: i32::try_from(quantity.clamp(1, QUANTITY_MAX)).unwrap_or(1),
                unit: parsed.unit,
                quantity_given: line.quantity.is_some(),
                split_from: None,
                note,
            }
        })
        .collect();
    v.finish()?;
    let lines = split_lines(checked, &mut warnings, vocabulary);
    Ok(ValidInquiry {
        reference,
        vehicle,
        warnings,
        lines,
    })
}

/// A line naming several parts (`机滤+空滤`, `三滤`) becomes one line per part, each with the
/// line's quantity, as long as the inquiry stays within [`LINES_MAX`]; a warning says so.
fn split_lines(lines: Vec<ValidLine>, warnings: &mut Vec<String>, vocabulary: &Vocabulary) -> Vec<ValidLine> {
    let mut room = LINES_MAX.saturating_sub(lines.len());
    let mut out = Vec::with_capacity(lines.len());
    for (sent_at, line) in lines.into_iter().enumerate() {
        let parts = if line.part_number.is_none() {
            matching::line::split_parts(&matching::line::parse(&line.text).text, vocabulary)
        } else {
            Vec::new()
        };
        if parts.len() < 2 || parts.len() - 1 > room {
            out.push(line);
            continue;
        }
        room -= parts.len() - 1;
        warnings.push(format!(
            "line {} ({}) names {} parts: answered as lines {} to {}",
            sent_at + 1,
            line.text,
            parts.len(),
            out.len() + 1,
            out.len() + parts.len()
        ));
        let split_from = i32::try_from(sent_at).ok();
        out.extend(parts.into_iter().map(|text| ValidLine {
            text,
            part_number: None,
            brand: line.brand.clone(),
            quantity: line.quantity,
            unit: line.unit.clone(),
            quantity_given: line.quantity_given,
            split_from,
            note: line.note.clone(),
        }));
    }
    out
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShopInquiryLine {
    pub id: InquiryLineId,
    pub position: i32,
    pub text: String,
    pub part_number: Option<String>,
    pub brand: Option<String>,
    pub quantity: i32,
    /// The unit the quantity was written in (`套`, `pcs`), if any.
    pub unit: Option<String>,
    /// Where the shop's line named several parts (`机滤+空滤`): its position as sent. Each
    /// part is a line of its own, with that line's quantity.
    pub split_from: Option<i32>,
    pub note: Option<String>,
}

/// An inquiry as its shop sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShopInquiryResponse {
    pub id: InquiryId,
    pub reference: Option<String>,
    /// The status of its quote: `draft` (being prepared), `sent`, `accepted`,
    /// `partially_accepted`, `rejected`, `expired` or `cancelled`.
    pub status: String,
    pub vehicle: Option<VehicleResponse>,
    pub warnings: Vec<String>,
    pub lines: Vec<ShopInquiryLine>,
    /// The quote, once the dealer has sent it (`GET /v1/shop/quotes/{id}`).
    pub quote_id: Option<QuoteId>,
    /// `shop`: the shop asked; `reminder`: the dealer opened it to send a proactive quote for
    /// what the shop's purchase rhythm says it will need.
    pub origin: InquiryOrigin,
    pub received_at: DateTime<Utc>,
}

/// `sent_quote`: the quote's id, once it has been sent.
fn shop_view(
    inquiry: &inquiries::Model,
    lines: &[inquiry_lines::Model],
    sent_quote: Option<QuoteId>,
) -> ShopInquiryResponse {
    ShopInquiryResponse {
        id: inquiry.id,
        reference: inquiry.reference.clone(),
        status: inquiry.status.as_str().to_owned(),
        vehicle: inquiry.vehicle.clone().and_then(|v| serde_json::from_value(v).ok()),
        warnings: serde_json::from_value(inquiry.warnings.clone()).unwrap_or_default(),
        lines: lines
            .iter()
            .map(|l| ShopInquiryLine {
                id: l.id,
                position: l.position,
                text: l.text.clone(),
                part_number: l.part_number.clone(),
                brand: l.brand.clone(),
                quantity: l.quantity,
                unit: l.unit.clone(),
                split_from: l.split_from,
                note: l.note.clone(),
            })
            .collect(),
        quote_id: sent_quote,
        origin: inquiry.origin,
        received_at: inquiry.received_at,
    }
}

/// The outcome of `POST /v1/inquiries`: the response to send, and whether it is a replay.
pub struct Received {
    pub stored: Stored,
    pub replayed: bool,
}

/// Receives an inquiry from a shop: matches every line, drafts the quote (sending it when the
/// dealer's `auto_send` is on and nothing needs a person), records events and webhooks, and
/// remembers the response under the idempotency key — all in one transaction.
pub async fn receive(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    lexicon: &Lexicon,
    shop: &Shop,
    key: idempotency::Request,
    mut input: ValidInquiry,
    now: DateTime<Utc>,
) -> Result<Received> {
    let customer = shop.customer.id;
    if let Some(stored) = idempotency::find(db, shop.tenant, customer, &key, now).await? {
        return Ok(Received { stored, replayed: true });
    }
    let tenant = crate::tenants::find(db, shop.tenant).await?;
    let queries = input
        .lines
        .iter()
        .map(|l| LineQuery {
            text: l.text.clone(),
            part_number: l.part_number.clone(),
            brand: l.brand.clone(),
        })
        .collect();
    let hint = input.vehicle.as_ref().map(VehicleResponse::hint).unwrap_or_default();
    let matches = matching::match_lines(db, Arc::clone(index), shop.tenant, queries, hint, lexicon).await?;
    for (line, matched) in input.lines.iter_mut().zip(&matches) {
        if let (false, Some((quantity, unit))) = (line.quantity_given, &matched.glued) {
            line.quantity = i32::try_from(*quantity).unwrap_or(1);
            line.unit = Some(unit.clone());
        }
    }
    let requested: Vec<(i32, &matching::LineMatch)> =
        input.lines.iter().zip(&matches).map(|(l, m)| (l.quantity, m)).collect();
    let drafted = draft::draft(&requested, shop.customer.price_level_bp);
    let auto_send = tenant.auto_send && drafted.ready_to_send;

    let inquiry_id = InquiryId::generate();
    let quote_id = QuoteId::generate();
    let inquiry = inquiries::Model {
        id: inquiry_id,
        tenant_id: shop.tenant,
        customer_id: customer,
        api_key_id: Some(shop.key_id),
        reference: input.reference,
        vehicle: input.vehicle.as_ref().and_then(|v| serde_json::to_value(v).ok()),
        warnings: json!(input.warnings),
        status: QuoteStatus::Draft,
        line_count: i32::try_from(input.lines.len()).unwrap_or(i32::MAX),
        origin: InquiryOrigin::Shop,
        received_at: now,
        overdue_notified_at: None,
        updated_at: now,
    };
    let lines: Vec<inquiry_lines::Model> = input
        .lines
        .into_iter()
        .zip(&matches)
        .enumerate()
        .map(|(position, (line, matched))| inquiry_lines::Model {
            id: InquiryLineId::generate(),
            tenant_id: shop.tenant,
            inquiry_id,
            position: i32::try_from(position).unwrap_or(i32::MAX),
            text: line.text,
            part_number: line.part_number,
            brand: line.brand,
            quantity: line.quantity,
            unit: line.unit,
            split_from: line.split_from,
            note: line.note,
            confidence: matched.confidence,
            candidates: serde_json::to_value(&matched.candidates).unwrap_or_default(),
            line_key: Some(matched.key.line.clone()).filter(|k| !k.is_empty()),
            vehicle_key: Some(matched.key.vehicle.clone()),
        })
        .collect();

    let mut shown = inquiry.clone();
    if auto_send {
        shown.status = QuoteStatus::Sent;
    }
    let response = Stored {
        status: 201,
        body: serde_json::to_string(&shop_view(&shown, &lines, auto_send.then_some(quote_id)))
            .map_err(anyhow::Error::from)?,
    };

    let txn = crate::db::begin_write(db).await?;
    if !idempotency::store(&txn, shop.tenant, customer, &key, &response, now).await? {
        // A concurrent request with the same key committed first: answer as it did.
        drop(txn);
        let stored = idempotency::find(db, shop.tenant, customer, &key, now)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("idempotency record vanished")))?;
        return Ok(Received { stored, replayed: true });
    }
    inquiries::ActiveModel::from(inquiry.clone()).insert(&txn).await?;
    crate::db::insert_chunked(
        &txn,
        lines.iter().cloned().map(inquiry_lines::ActiveModel::from).collect(),
    )
    .await?;
    let line_ids: Vec<(InquiryLineId, QuoteLineId, &draft::DraftLine)> = lines
        .iter()
        .zip(&drafted.lines)
        .map(|(l, d)| (l.id, QuoteLineId::generate(), d))
        .collect();
    crate::quotes::insert_draft(
        &txn,
        crate::quotes::NewDraft {
            id: quote_id,
            tenant: shop.tenant,
            inquiry: inquiry_id,
            customer,
            currency: tenant.currency.clone(),
            note: None,
            reminder: None,
            at: now,
        },
        &line_ids,
    )
    .await?;
    let confident = drafted.lines.iter().filter(|l| l.confidence.is_confident()).count();
    let offered = drafted
        .lines
        .iter()
        .filter(|l| l.status == draft::LineStatus::Offered)
        .count();
    for (kind, subject, actor, payload) in [
        (
            EventKind::InquiryReceived,
            inquiry_id.to_string(),
            Some(shop.key_id.to_string()),
            json!({ "inquiry_id": inquiry_id, "lines": lines.len() }),
        ),
        (
            EventKind::QuoteDrafted,
            quote_id.to_string(),
            None,
            json!({
                "quote_id": quote_id,
                "inquiry_id": inquiry_id,
                "lines": lines.len(),
                "lines_offered": offered,
                "lines_confident": confident,
            }),
        ),
    ] {
        crate::events::record(
            &txn,
            NewEvent {
                tenant: shop.tenant,
                customer: Some(customer),
                kind,
                subject,
                actor,
                at: now,
                payload,
            },
        )
        .await?;
    }
    crate::metrics::rollup::add(
        &txn,
        &tenant,
        customer,
        inquiry.received_at,
        &crate::metrics::rollup::Delta {
            inquiries: 1,
            lines: i64::try_from(lines.len()).unwrap_or(i64::MAX),
            ..Default::default()
        },
    )
    .await?;
    crate::webhooks::enqueue(
        &txn,
        shop.tenant,
        "inquiry.received",
        json!({
            "inquiry_id": inquiry_id,
            "quote_id": quote_id,
            "customer_id": customer,
            "customer_name": shop.customer.name,
            "lines": lines.len(),
            "lines_confident": confident,
            "auto_sent": auto_send,
        }),
        now,
    )
    .await?;
    if auto_send {
        let full = crate::quotes::load(&txn, shop.tenant, quote_id).await?;
        crate::quotes::send(&txn, &tenant, &full, None, now).await?;
    }
    txn.commit().await?;
    Ok(Received {
        stored: response,
        replayed: false,
    })
}

/// What a shop sees of its inquiries: those it sent, and the dealer's proactive ones once their
/// quote has been sent (a draft the dealer may still drop is none of the shop's business).
fn shown_to_shop(tenant: TenantId) -> Condition {
    let sent_proactive = sea_orm::sea_query::Query::select()
        .column(quotes::Column::InquiryId)
        .from(quotes::Entity)
        .and_where(quotes::Column::TenantId.eq(tenant))
        .and_where(quotes::Column::ReminderId.is_not_null())
        .and_where(quotes::Column::SentAt.is_not_null())
        .to_owned();
    Condition::any()
        .add(inquiries::Column::Origin.eq(InquiryOrigin::Shop))
        .add(inquiries::Column::Id.in_subquery(sent_proactive))
}

/// An inquiry of the shop's own.
pub async fn find_for_shop(
    db: &impl ConnectionTrait,
    shop: &Shop,
    id: InquiryId,
) -> Result<(inquiries::Model, Vec<inquiry_lines::Model>)> {
    let inquiry = inquiries::Entity::scoped_by_id(shop.tenant, id)
        .filter(inquiries::Column::CustomerId.eq(shop.customer.id))
        .filter(shown_to_shop(shop.tenant))
        .one(db)
        .await?
        .ok_or(Error::not_found("inquiry"))?;
    let lines = lines_of(db, &inquiry).await?;
    Ok((inquiry, lines))
}

pub async fn lines_of(db: &impl ConnectionTrait, inquiry: &inquiries::Model) -> Result<Vec<inquiry_lines::Model>> {
    Ok(inquiry_lines::Entity::scoped(inquiry.tenant_id)
        .filter(inquiry_lines::Column::InquiryId.eq(inquiry.id))
        .order_by_asc(inquiry_lines::Column::Position)
        .all(db)
        .await?)
}

/// One line with what the matcher saw (staff view).
#[derive(Debug, Serialize, ToSchema)]
pub struct InquiryLineResponse {
    pub id: InquiryLineId,
    pub position: i32,
    pub text: String,
    pub part_number: Option<String>,
    pub brand: Option<String>,
    pub quantity: i32,
    /// The unit the quantity was written in (`套`, `pcs`), if any.
    pub unit: Option<String>,
    /// Where the shop's line named several parts: its position as sent.
    pub split_from: Option<i32>,
    pub note: Option<String>,
    /// The best candidate's confidence.
    pub confidence: Confidence,
    /// Up to 5, best first: exact numbers, then names that fit the vehicle, then names.
    pub candidates: Vec<Candidate>,
}

/// An inquiry as the dealer sees it: candidates per line and the quote.
#[derive(Debug, Serialize, ToSchema)]
pub struct InquiryResponse {
    pub id: InquiryId,
    pub customer: CustomerRef,
    /// The API key it came with.
    pub api_key_id: Option<ApiKeyId>,
    pub reference: Option<String>,
    /// The status of its quote.
    pub status: String,
    pub vehicle: Option<VehicleResponse>,
    pub warnings: Vec<String>,
    pub lines: Vec<InquiryLineResponse>,
    pub quote: crate::quotes::QuoteResponse,
    /// `shop`: the shop asked; `reminder`: the dealer opened it to send a proactive quote for
    /// what the shop's purchase rhythm says it will need.
    pub origin: InquiryOrigin,
    pub received_at: DateTime<Utc>,
    /// Whether the calling staff member has opened it: always `true` here, since reading it
    /// marks it read for them.
    pub read: bool,
    /// Who is answering it, unless nobody is (or their claim lapsed): `null`.
    pub claim: Option<ClaimResponse>,
}

const STATUS_VALUES: &str = "one of draft, sent, accepted, partially_accepted, rejected, expired, cancelled";

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InquiryListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only inquiries whose quote is in this state: `draft`, `sent`, `accepted`,
    /// `partially_accepted`, `rejected`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// Only this customer's inquiries (staff only).
    pub customer_id: Option<CustomerId>,
    /// The same as `customer_id` (the older name).
    pub customer: Option<CustomerId>,
    /// Only inquiries received from then on: a day in the dealer's time zone (`2026-12-01`)
    /// or an RFC 3339 instant.
    pub from: Option<String>,
    /// Only inquiries received up to then: a day in the dealer's time zone (`2026-12-01`,
    /// the whole day included) or an RFC 3339 instant (excluded).
    pub to: Option<String>,
    /// `true`: only inquiries the calling staff member has not opened; `false`: only those
    /// they have (staff only).
    pub unread: Option<bool>,
}

impl InquiryListParams {
    /// The customer asked for, by either name.
    fn customer(&self) -> Result<Option<CustomerId>> {
        match (self.customer_id, self.customer) {
            (Some(a), Some(b)) if a != b => Err(Error::field(
                "query.customer_id",
                "conflict",
                "`customer_id` and `customer` name different customers",
            )),
            (a, b) => Ok(a.or(b)),
        }
    }
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct InquirySummary {
    pub id: InquiryId,
    pub customer_id: CustomerId,
    pub reference: Option<String>,
    pub status: String,
    pub line_count: i32,
    pub quote_id: Option<QuoteId>,
    /// `shop`: the shop asked; `reminder`: the dealer opened it to send a proactive quote for
    /// what the shop's purchase rhythm says it will need.
    pub origin: InquiryOrigin,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct InquiryList {
    pub items: Vec<InquirySummary>,
    pub next_cursor: Option<String>,
}

/// An inquiry in the dealer's inbox.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StaffInquirySummary {
    pub id: InquiryId,
    pub customer_id: CustomerId,
    #[schema(example = "老王汽修厂")]
    pub customer_name: String,
    pub reference: Option<String>,
    /// The status of its quote.
    pub status: String,
    pub line_count: i32,
    pub quote_id: Option<QuoteId>,
    /// `shop`: the shop asked; `reminder`: the dealer opened it to send a proactive quote for
    /// what the shop's purchase rhythm says it will need.
    pub origin: InquiryOrigin,
    pub received_at: DateTime<Utc>,
    /// Whether the calling staff member has opened it (`GET /v1/inquiries/{id}`).
    pub read: bool,
    /// Who is answering it, unless nobody is (or their claim lapsed): `null`.
    pub claim: Option<ClaimResponse>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StaffInquiryList {
    pub items: Vec<StaffInquirySummary>,
    pub next_cursor: Option<String>,
}

/// One page of the dealer's inquiries, newest first, as the filters select them.
async fn page(
    db: &impl ConnectionTrait,
    tenant: &tenants::Model,
    customer: Option<CustomerId>,
    params: &InquiryListParams,
    unread_for: Option<(Actor, bool)>,
    view: View,
) -> Result<(Vec<inquiries::Model>, Option<String>)> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let limit = page.limit()?;
    let status = params
        .status
        .as_deref()
        .map(|s| QuoteStatus::parse(s).ok_or_else(|| Error::field("query.status", "invalid_value", STATUS_VALUES)))
        .transpose()?;
    let (from, to) = crate::pagination::window(params.from.as_deref(), params.to.as_deref(), tenant.tz())?;
    let mut query = inquiries::Entity::scoped(tenant.id).order_by_desc(inquiries::Column::Id);
    if let Some(before) = page.cursor::<InquiryId>()? {
        query = query.filter(inquiries::Column::Id.lt(before));
    }
    if let Some(customer) = customer {
        query = query.filter(inquiries::Column::CustomerId.eq(customer));
    }
    if view == View::Shop {
        query = query.filter(shown_to_shop(tenant.id));
    }
    if let Some(status) = status {
        query = query.filter(inquiries::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = from {
        query = query.filter(inquiries::Column::ReceivedAt.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(inquiries::Column::ReceivedAt.lt(to));
    }
    match unread_for {
        Some((actor, true)) => query = query.filter(inquiries::Column::Id.not_in_subquery(reads::read_by(actor))),
        Some((actor, false)) => query = query.filter(inquiries::Column::Id.in_subquery(reads::read_by(actor))),
        None => {}
    }
    let rows = query.limit(limit + 1).all(db).await?;
    Ok(finish_page(rows, limit, |i| i.id))
}

/// The quote of each inquiry (only sent ones, for a shop, which learns of a quote once it is
/// sent).
async fn quote_ids(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    rows: &[inquiries::Model],
    view: View,
) -> Result<HashMap<InquiryId, QuoteId>> {
    Ok(quotes::Entity::scoped(tenant)
        .filter(quotes::Column::InquiryId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .filter(|q| view == View::Staff || q.sent_at.is_some())
        .map(|q| (q.inquiry_id, q.id))
        .collect())
}

/// The shop's own inquiries, newest first (`customer_id` and `unread` are staff filters and
/// are ignored here).
pub async fn list_for_shop(db: &impl ConnectionTrait, shop: &Shop, params: InquiryListParams) -> Result<InquiryList> {
    let tenant = crate::tenants::find(db, shop.tenant).await?;
    let (rows, next_cursor) = page(db, &tenant, Some(shop.customer.id), &params, None, View::Shop).await?;
    let quote_ids = quote_ids(db, shop.tenant, &rows, View::Shop).await?;
    Ok(InquiryList {
        items: rows
            .into_iter()
            .map(|i| InquirySummary {
                quote_id: quote_ids.get(&i.id).copied(),
                id: i.id,
                customer_id: i.customer_id,
                reference: i.reference,
                status: i.status.as_str().to_owned(),
                line_count: i.line_count,
                origin: i.origin,
                received_at: i.received_at,
            })
            .collect(),
        next_cursor,
    })
}

/// The dealer's inquiries, newest first, each with the caller's read mark and its live claim.
pub async fn list_for_staff(
    db: &impl ConnectionTrait,
    actor: Actor,
    params: InquiryListParams,
    now: DateTime<Utc>,
) -> Result<StaffInquiryList> {
    let tenant = crate::tenants::find(db, actor.tenant).await?;
    let customer = params.customer()?;
    let unread = params.unread.map(|u| (actor, u));
    let (rows, next_cursor) = page(db, &tenant, customer, &params, unread, View::Staff).await?;
    let ids: Vec<InquiryId> = rows.iter().map(|r| r.id).collect();
    let quote_ids = quote_ids(db, actor.tenant, &rows, View::Staff).await?;
    let read = reads::read_among(db, actor, &ids).await?;
    let mut claims = crate::claims::live(db, actor.tenant, &ids, now).await?;
    let names = crate::customers::names(db, actor.tenant, rows.iter().map(|r| r.customer_id).collect()).await?;
    Ok(StaffInquiryList {
        items: rows
            .into_iter()
            .map(|i| StaffInquirySummary {
                quote_id: quote_ids.get(&i.id).copied(),
                read: read.contains(&i.id),
                claim: claims.remove(&i.id),
                customer_name: names.get(&i.customer_id).cloned().unwrap_or_default(),
                id: i.id,
                customer_id: i.customer_id,
                reference: i.reference,
                status: i.status.as_str().to_owned(),
                line_count: i.line_count,
                origin: i.origin,
                received_at: i.received_at,
            })
            .collect(),
        next_cursor,
    })
}

/// One inquiry with every line's candidates (exactly what the matcher saw), the quote and who
/// is answering it. Reading it marks it read for the reader.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: Actor,
    id: InquiryId,
    now: DateTime<Utc>,
) -> Result<InquiryResponse> {
    let tenant = actor.tenant;
    let inquiry = inquiries::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("inquiry"))?;
    reads::mark(db, actor, id, now).await?;
    let lines = lines_of(db, &inquiry).await?;
    let customer = customers::Entity::scoped_by_id(tenant, inquiry.customer_id)
        .one(db)
        .await?
        .ok_or(Error::not_found("customer"))?;
    let quote = crate::quotes::load_for_inquiry(db, tenant, id).await?;
    let claim = crate::claims::live(db, tenant, &[id], now).await?.remove(&id);
    Ok(InquiryResponse {
        id: inquiry.id,
        customer: CustomerRef {
            id: customer.id,
            name: customer.name,
        },
        api_key_id: inquiry.api_key_id,
        reference: inquiry.reference,
        status: inquiry.status.as_str().to_owned(),
        vehicle: inquiry.vehicle.and_then(|v| serde_json::from_value(v).ok()),
        warnings: serde_json::from_value(inquiry.warnings).unwrap_or_default(),
        lines: lines
            .into_iter()
            .map(|l| InquiryLineResponse {
                id: l.id,
                position: l.position,
                text: l.text,
                part_number: l.part_number,
                brand: l.brand,
                quantity: l.quantity,
                unit: l.unit,
                split_from: l.split_from,
                note: l.note,
                confidence: l.confidence,
                candidates: serde_json::from_value(l.candidates).unwrap_or_default(),
            })
            .collect(),
        quote: crate::quotes::respond(&quote, View::Staff),
        origin: inquiry.origin,
        received_at: inquiry.received_at,
        read: true,
        claim,
    })
}

/// One of the shop's inquiries, with the quote once it is sent.
pub async fn get_for_shop(db: &impl ConnectionTrait, shop: &Shop, id: InquiryId) -> Result<ShopInquiryResponse> {
    let (inquiry, lines) = find_for_shop(db, shop, id).await?;
    let quote = quotes::Entity::scoped(shop.tenant)
        .filter(quotes::Column::InquiryId.eq(id))
        .one(db)
        .await?
        .filter(|q| q.sent_at.is_some())
        .map(|q| q.id);
    Ok(shop_view(&inquiry, &lines, quote))
}
