//! Proactive quotes: a due replenishment reminder becomes a quote the dealer sends unasked, for
//! the predicted part and quantity at the customer's price, capped at stock as any quote.
//!
//! A quote answers an inquiry, so the dealer opens one for the shop (`origin = reminder`) with
//! the one line it offers. Nothing about it counts as the shop asking: its inquiry and lines
//! stay out of the inquiry figures and the unmet demand; the figures count proactive quotes
//! sent and accepted, and the value of their orders, instead. Sending one counts as contacting
//! the customer about the reminder; an order accepting it converts the reminder.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, QueryFilter};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::db::TenantScoped;
use crate::entities::{
    Confidence, InquiryOrigin, QuoteStatus, ReminderStatus, customers, inquiries, inquiry_lines, parts, quotes,
    reminders, tenants,
};
use crate::error::{Error, Result};
use crate::events::{EventKind, NewEvent};
use crate::ids::{CustomerId, InquiryId, InquiryLineId, QuoteId, QuoteLineId, ReminderId, TenantId};
use crate::matching::{Candidate, LineMatch};
use crate::quotes::{FullQuote, draft};

/// A proactive quote, and whether this call drafted it (or found the reminder's live one).
pub struct Drafted {
    pub quote: FullQuote,
    pub created: bool,
}

/// What drafting found: a new quote, or the reminder's live one.
enum Outcome {
    New(Box<FullQuote>),
    /// The reminder's quote is still a draft, out with the shop, or accepted.
    Existing(QuoteId),
}

/// Drafts the proactive quote of a reminder; a reminder whose quote is still a draft, sent or
/// accepted gets that one back (a retry or a second click drafts nothing). A quote that was
/// rejected, expired or cancelled may be followed by a new one.
pub async fn draft_for_reminder(
    db: &DatabaseConnection,
    tenant: TenantId,
    id: ReminderId,
    now: DateTime<Utc>,
) -> Result<Drafted> {
    let dealer = crate::tenants::find(db, tenant).await?;
    let reminder = reminders::Entity::scoped_by_id(tenant, id)
        .one(db)
        .await?
        .ok_or(Error::not_found("reminder"))?;
    let txn = crate::db::begin_write(db).await?;
    match draft_in(&txn, &dealer, &reminder, now).await? {
        Outcome::New(quote) => {
            txn.commit().await?;
            Ok(Drafted {
                quote: *quote,
                created: true,
            })
        }
        Outcome::Existing(quote) => {
            drop(txn);
            Ok(Drafted {
                quote: crate::quotes::load(db, tenant, quote).await?,
                created: false,
            })
        }
    }
}

/// A live quote of the reminder's, if it has one.
async fn live_quote(txn: &impl ConnectionTrait, reminder: &reminders::Model) -> Result<Option<QuoteId>> {
    let Some(id) = reminder.quote_id else {
        return Ok(None);
    };
    let quote = quotes::Entity::scoped_by_id(reminder.tenant_id, id).one(txn).await?;
    Ok(quote
        .filter(|q| {
            matches!(
                q.status,
                QuoteStatus::Draft | QuoteStatus::Sent | QuoteStatus::Accepted | QuoteStatus::PartiallyAccepted
            )
        })
        .map(|q| q.id))
}

fn conflict(code: &'static str, detail: impl Into<String>) -> Error {
    Error::Conflict {
        code,
        detail: detail.into(),
        field: None,
    }
}

async fn draft_in(
    txn: &impl ConnectionTrait,
    dealer: &tenants::Model,
    reminder: &reminders::Model,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    if let Some(live) = live_quote(txn, reminder).await? {
        return Ok(Outcome::Existing(live));
    }
    if !ReminderStatus::OPEN.contains(&reminder.status) {
        return Err(Error::WrongState {
            code: "invalid_transition",
            detail: format!("a {} reminder cannot be quoted", reminder.status.as_str()),
            current: reminder.status.as_str().to_owned(),
        });
    }
    let customer = customers::Entity::scoped_by_id(dealer.id, reminder.customer_id)
        .one(txn)
        .await?
        .ok_or(Error::not_found("customer"))?;
    if customer.deleted_at.is_some() {
        return Err(conflict("customer_archived", "the customer is archived"));
    }
    let part = parts::Entity::scoped_by_id(dealer.id, reminder.part_id)
        .one(txn)
        .await?
        .ok_or_else(|| conflict("part_deleted", "the reminder's part is no longer in the catalog"))?;
    if part.price_minor.is_none() {
        return Err(conflict(
            "no_price",
            format!("{} has no list price: give it one before quoting it", part.sku),
        ));
    }

    let quote_id = QuoteId::generate();
    // Claim the reminder first: of two drafts at once (two clicks, two servers), one claims it
    // and the other finds that one's quote.
    let claimed = reminders::Entity::scoped_update(dealer.id)
        .col_expr(reminders::Column::QuoteId, Expr::value(quote_id))
        .col_expr(reminders::Column::UpdatedAt, Expr::value(now))
        .filter(reminders::Column::Id.eq(reminder.id))
        .filter(match reminder.quote_id {
            Some(previous) => reminders::Column::QuoteId.eq(previous),
            None => reminders::Column::QuoteId.is_null(),
        })
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        let current = reminders::Entity::scoped_by_id(dealer.id, reminder.id)
            .one(txn)
            .await?
            .ok_or(Error::not_found("reminder"))?;
        return match live_quote(txn, &current).await? {
            Some(live) => Ok(Outcome::Existing(live)),
            None => Err(conflict(
                "concurrent_update",
                "the reminder changed meanwhile: try again",
            )),
        };
    }

    let mut candidate = Candidate::of_part(&part, None);
    candidate.confidence = Confidence::Exact;
    candidate.score = 1.0;
    candidate.matched_on = "reminder".to_owned();
    candidate.matched_value = part.sku.clone();
    candidate.precision = "exact".to_owned();
    candidate.reason = format!(
        "replenishment: bought about every {} days, {} at a time",
        reminder.interval_days, reminder.suggested_quantity
    );
    let matched = LineMatch {
        confidence: Confidence::Exact,
        candidates: vec![candidate],
        key: Default::default(),
        glued: None,
    };
    let drafted = draft::draft(&[(reminder.suggested_quantity, &matched)], customer.price_level_bp);

    let inquiry_id = InquiryId::generate();
    inquiries::ActiveModel::from(inquiries::Model {
        id: inquiry_id,
        tenant_id: dealer.id,
        customer_id: customer.id,
        api_key_id: None,
        reference: None,
        vehicle: None,
        warnings: json!([]),
        status: QuoteStatus::Draft,
        line_count: 1,
        origin: InquiryOrigin::Reminder,
        received_at: now,
        overdue_notified_at: None,
        updated_at: now,
    })
    .insert(txn)
    .await?;
    let line_id = InquiryLineId::generate();
    inquiry_lines::ActiveModel::from(inquiry_lines::Model {
        id: line_id,
        tenant_id: dealer.id,
        inquiry_id,
        position: 0,
        text: match &part.brand {
            Some(brand) => format!("{brand} {}", part.name),
            None => part.name.clone(),
        },
        part_number: Some(part.sku.clone()),
        brand: part.brand.clone(),
        quantity: reminder.suggested_quantity,
        unit: None,
        split_from: None,
        note: None,
        confidence: matched.confidence,
        candidates: serde_json::to_value(&matched.candidates).map_err(anyhow::Error::from)?,
        line_key: None,
        vehicle_key: None,
    })
    .insert(txn)
    .await?;
    let history: Vec<crate::reminders::predict::Purchase> =
        serde_json::from_value(reminder.history.clone()).unwrap_or_default();
    let note = match history.last() {
        Some(last) => format!(
            "按贵店的采购节奏（约每 {} 天一次，上次 {}），预计 {} 前后需要补货，特此报价。",
            reminder.interval_days, last.date, reminder.expected_on
        ),
        None => format!("预计贵店 {} 前后需要补货，特此报价。", reminder.expected_on),
    };
    let lines: Vec<(InquiryLineId, QuoteLineId, &draft::DraftLine)> = drafted
        .lines
        .iter()
        .map(|l| (line_id, QuoteLineId::generate(), l))
        .collect();
    crate::quotes::insert_draft(
        txn,
        crate::quotes::NewDraft {
            id: quote_id,
            tenant: dealer.id,
            inquiry: inquiry_id,
            customer: customer.id,
            currency: dealer.currency.clone(),
            note: Some(note),
            reminder: Some(reminder.id),
            at: now,
        },
        &lines,
    )
    .await?;
    crate::events::record(
        txn,
        NewEvent {
            tenant: dealer.id,
            customer: Some(customer.id),
            kind: EventKind::QuoteDrafted,
            subject: quote_id.to_string(),
            actor: None,
            at: now,
            payload: json!({
                "quote_id": quote_id,
                "inquiry_id": inquiry_id,
                "reminder_id": reminder.id,
                "lines": 1,
                "lines_offered": usize::from(drafted.lines.iter().any(|l| !l.options.is_empty())),
                "lines_confident": 1,
            }),
        },
    )
    .await?;
    Ok(Outcome::New(Box::new(
        crate::quotes::load(txn, dealer.id, quote_id).await?,
    )))
}

/// What one automatic round did for a dealer.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProactiveReport {
    /// Proactive quotes sent by themselves.
    pub sent: usize,
    /// Drafted but left for staff: the stock does not cover the quantity.
    pub drafted_for_review: usize,
    /// Not quoted: the customer was contacted as often as the weekly limit allows.
    pub held_back: usize,
    /// Not quoted: the part has no price, is gone, or the customer is archived.
    pub skipped: usize,
}

impl std::ops::AddAssign for ProactiveReport {
    fn add_assign(&mut self, other: Self) {
        self.sent += other.sent;
        self.drafted_for_review += other.drafted_for_review;
        self.held_back += other.held_back;
        self.skipped += other.skipped;
    }
}

/// For a dealer with `proactive_quote_days` set: drafts a quote for every due reminder without
/// one whose expected purchase is at most that many days ahead (and not past the conversion
/// window), and sends it when stock covers it, within the weekly contact limit. Each reminder
/// is quoted once; safe to run on several servers at once.
pub async fn send_due(db: &DatabaseConnection, dealer: &tenants::Model, now: DateTime<Utc>) -> Result<ProactiveReport> {
    let mut report = ProactiveReport::default();
    let Some(days) = dealer.proactive_quote_days else {
        return Ok(report);
    };
    let today = dealer.today(now);
    let due = reminders::Entity::scoped(dealer.id)
        .filter(reminders::Column::Status.eq(ReminderStatus::Due))
        .filter(reminders::Column::QuoteId.is_null())
        .filter(reminders::Column::RemindOn.lte(today))
        .filter(reminders::Column::ExpectedOn.lte(today + Duration::days(i64::from(days))))
        .filter(reminders::Column::ExpectedOn.gte(today - Duration::days(i64::from(dealer.reminder_window_days))))
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(report);
    }
    let customers: Vec<CustomerId> = due
        .iter()
        .map(|r| r.customer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut contacted = crate::reminders::service::contact_days(db, dealer, &customers, today).await?;
    let limit = usize::try_from(dealer.reminder_contacts_per_week).unwrap_or(2);
    for reminder in due {
        let days: &mut HashSet<_> = contacted.entry(reminder.customer_id).or_default();
        // Another message on a day the customer was contacted already is not another contact day.
        if days.len() >= limit && !days.contains(&today) {
            report.held_back += 1;
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        let quote = match draft_in(&txn, dealer, &reminder, now).await {
            Ok(Outcome::New(quote)) => quote,
            Ok(Outcome::Existing(_)) => continue,
            Err(Error::Conflict { .. } | Error::WrongState { .. } | Error::NotFound { .. }) => {
                report.skipped += 1;
                continue;
            }
            Err(other) => return Err(other),
        };
        let ready = quote.lines.iter().all(|l| {
            quote
                .option(l.id, 0)
                .is_some_and(|o| o.backorder_quantity == 0 && o.quantity > 0)
        });
        if ready {
            crate::quotes::send(&txn, dealer, &quote, None, now).await?;
            days.insert(today);
            report.sent += 1;
        } else {
            report.drafted_for_review += 1;
        }
        txn.commit().await?;
    }
    Ok(report)
}

/// [`send_due`] for every dealer, as the background scheduler runs it; one dealer's failure
/// does not hold up the others.
pub async fn send_due_all(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<ProactiveReport> {
    let mut report = ProactiveReport::default();
    for dealer in crate::tenants::all(db).await? {
        if dealer.proactive_quote_days.is_none() {
            continue;
        }
        match send_due(db, &dealer, now).await {
            Ok(r) => report += r,
            Err(err) => tracing::error!(tenant_id = %dealer.id, error = ?err, "proactive quotes failed"),
        }
    }
    Ok(report)
}
