//! Dealers (tenants): sign-up creates the tenant and its owner in one transaction; each
//! dealer's settings.

pub mod routes;

use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::entities::{Role, tenants, users};
use crate::error::{Error, Result};
use crate::ids::{TenantId, UserId};
use crate::validate::{NAME_MAX, Validator};

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";
pub const DEFAULT_CURRENCY: &str = "CNY";
pub const DEFAULT_QUOTE_VALIDITY_HOURS: i32 = 72;
pub const DEFAULT_REMINDER_LEAD_DAYS: i32 = 3;
pub const DEFAULT_REMINDER_WINDOW_DAYS: i32 = 14;
pub const DEFAULT_REMINDER_CONTACTS_PER_WEEK: i32 = 2;
pub const DEFAULT_RESPONSE_TARGET_MINUTES: i32 = 15;
/// A response target is at most a day.
pub const RESPONSE_TARGET_MINUTES_MAX: i32 = 1440;
pub const DEFAULT_RETURN_WINDOW_DAYS: i32 = 7;
pub const RETURN_WINDOW_DAYS_MAX: i32 = 365;
/// Quotes stay valid at most 30 days.
pub const QUOTE_VALIDITY_HOURS_MAX: i32 = 720;
pub const PROACTIVE_QUOTE_DAYS_MAX: i32 = 60;

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantResponse {
    pub id: TenantId,
    /// Short unique name, used by the command line (`--tenant <slug>`).
    pub slug: String,
    pub name: String,
    /// IANA time zone; period boundaries in reports follow it.
    pub time_zone: String,
    /// ISO 4217 code of catalog prices.
    pub currency: String,
    pub created_at: DateTime<Utc>,
}

impl From<tenants::Model> for TenantResponse {
    fn from(t: tenants::Model) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            time_zone: t.time_zone,
            currency: t.currency,
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// The dealer's business name, up to 200 characters.
    #[schema(example = "杭州顺达汽配")]
    pub dealer_name: String,
    /// 3-40 characters of `a-z`, `0-9` and `-`; derived from the name when omitted.
    pub slug: Option<String>,
    /// The owner's email; it is also the owner's login.
    #[schema(example = "owner@shunda-parts.cn")]
    pub email: String,
    /// 10-128 characters.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    /// The owner's display name; defaults to the email.
    pub name: Option<String>,
    /// IANA time zone, default `Asia/Shanghai`.
    pub time_zone: Option<String>,
    /// ISO 4217 currency code, default `CNY`.
    pub currency: Option<String>,
}

struct NewTenant {
    dealer_name: String,
    slug: Option<String>,
    email: String,
    password: String,
    owner_name: String,
    time_zone: String,
    currency: String,
}

impl TryFrom<SignupRequest> for NewTenant {
    type Error = Error;

    fn try_from(req: SignupRequest) -> Result<Self> {
        let mut v = Validator::default();
        let dealer_name = v.text("/dealer_name", &req.dealer_name, NAME_MAX);
        let slug = req.slug.as_deref().map(|s| {
            let s = s.trim().to_owned();
            if !valid_slug(&s) {
                v.error(
                    "/slug",
                    "invalid_format",
                    "3-40 characters of a-z, 0-9 and '-', not starting or ending with '-'",
                );
            }
            s
        });
        let email = v.email("/email", &req.email);
        v.password("/password", &req.password);
        let owner_name = v
            .opt_text("/name", req.name.as_deref(), NAME_MAX)
            .unwrap_or_else(|| email.clone());
        let time_zone = req.time_zone.unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            v.error(
                "/time_zone",
                "invalid_time_zone",
                "not an IANA time zone such as Asia/Shanghai",
            );
        }
        let currency = req.currency.unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            v.error(
                "/currency",
                "invalid_currency",
                "an ISO 4217 code of three capital letters, such as CNY",
            );
        }
        v.finish()?;
        Ok(Self {
            dealer_name,
            slug,
            email,
            password: req.password,
            owner_name,
            time_zone,
            currency,
        })
    }
}

fn valid_slug(s: &str) -> bool {
    (3..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// An ASCII slug from the dealer name, or a random one for names without Latin letters
/// (most Chinese dealer names).
fn derive_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 30 {
            break;
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    let mut suffix = [0u8; 3];
    rand::rng().fill_bytes(&mut suffix);
    if slug.len() >= 3 {
        format!("{slug}-{}", hex::encode(suffix))
    } else {
        format!("dealer-{}", hex::encode(suffix))
    }
}

/// Creates a dealer with the default settings and its owner account, in one transaction.
/// Emails are unique across partsdesk: one login per person.
pub async fn signup(
    db: &DatabaseConnection,
    body: SignupRequest,
    now: DateTime<Utc>,
) -> Result<(tenants::Model, users::Model)> {
    let new = NewTenant::try_from(body)?;
    let password_hash = crate::auth::password::hash(new.password).await?;
    let slug = new.slug.unwrap_or_else(|| derive_slug(&new.dealer_name));

    let txn = crate::db::begin_write(db).await?;
    // Unscoped on purpose: an email is unique across every dealer.
    #[expect(clippy::disallowed_methods, reason = "emails are unique across dealers")]
    let email_taken = users::Entity::find()
        .filter(users::Column::Email.eq(new.email.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if email_taken {
        return Err(Error::Conflict {
            code: "email_taken",
            detail: "a user with this email already exists".into(),
            field: Some("/email".into()),
        });
    }
    let tenant = new_tenant(slug, new.dealer_name, new.time_zone, new.currency, now)
        .insert(&txn)
        .await?;
    let owner = users::ActiveModel {
        id: Set(UserId::generate()),
        tenant_id: Set(tenant.id),
        email: Set(new.email),
        name: Set(new.owner_name),
        role: Set(Role::Owner),
        password_hash: Set(password_hash),
        credentials_changed_at: Set(now),
        session_generation: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(tenant_id = %tenant.id, "dealer signed up");
    Ok((tenant, owner))
}

// The doc comment below describes `find`, not the settings; it is kept for now because it is
// part of the published OpenAPI document, which this change leaves byte-identical.
/// The dealer a signed-in caller belongs to. Users and keys are deleted with their dealer,
/// so a missing one is a server fault, not something the caller asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsResponse {
    /// Send a drafted quote at once, without review, when every line matched with `exact` or
    /// `high` confidence, has a price and is in stock for the full quantity. Default `false`.
    pub auto_send: bool,
    /// How long a sent quote can be accepted, 1-720 hours (default 72).
    pub quote_validity_hours: i32,
    /// Days before a customer's expected purchase that its replenishment reminder is raised,
    /// 0-60 (default 3).
    pub reminder_lead_days: i32,
    /// An order of the part within this many days after its reminder was raised counts as the
    /// reminder's conversion, 1-90 (default 14).
    pub reminder_window_days: i32,
    /// At most this many reminder contacts per customer in 7 days; the call list holds back
    /// the rest, 1-14 (default 2).
    pub reminder_contacts_per_week: i32,
    /// Minutes within which the dealer means to answer an inquiry, 1-1440 (default 15); the
    /// console marks inquiries waiting longer.
    pub response_target_minutes: i32,
    /// Days after a shipment was received in which the shop may return its units, 0-365
    /// (default 7; 0 takes no returns).
    pub return_window_days: i32,
    /// Send a proactive quote for each due replenishment reminder by itself this many days
    /// before the customer's expected purchase, 0-60; `null` (default): staff draft them
    /// (`POST /v1/reminders/{id}/quote`) and send them as any quote.
    pub proactive_quote_days: Option<i32>,
    /// IANA time zone of the dealer's reports.
    pub time_zone: String,
    /// ISO 4217 currency of the catalog and quotes.
    pub currency: String,
}

impl From<tenants::Model> for SettingsResponse {
    fn from(t: tenants::Model) -> Self {
        Self {
            auto_send: t.auto_send,
            quote_validity_hours: t.quote_validity_hours,
            reminder_lead_days: t.reminder_lead_days,
            reminder_window_days: t.reminder_window_days,
            reminder_contacts_per_week: t.reminder_contacts_per_week,
            response_target_minutes: t.response_target_minutes,
            return_window_days: t.return_window_days,
            proactive_quote_days: t.proactive_quote_days,
            time_zone: t.time_zone,
            currency: t.currency,
        }
    }
}

/// Absent fields are left unchanged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingsRequest {
    pub auto_send: Option<bool>,
    /// 1-720.
    pub quote_validity_hours: Option<i32>,
    /// 0-60.
    pub reminder_lead_days: Option<i32>,
    /// 1-90.
    pub reminder_window_days: Option<i32>,
    /// 1-14.
    pub reminder_contacts_per_week: Option<i32>,
    /// 1-1440.
    pub response_target_minutes: Option<i32>,
    /// 0-365.
    pub return_window_days: Option<i32>,
    /// 0-60; `null` turns automatic proactive quotes off.
    #[serde(default, deserialize_with = "crate::validate::patch_field")]
    #[schema(value_type = Option<i32>)]
    pub proactive_quote_days: Option<Option<i32>>,
}

/// Changes the dealer's settings; absent fields are left unchanged.
pub async fn update_settings(
    db: &DatabaseConnection,
    tenant: TenantId,
    body: UpdateSettingsRequest,
    now: DateTime<Utc>,
) -> Result<tenants::Model> {
    let mut v = Validator::default();
    for (field, value, range) in [
        (
            "/quote_validity_hours",
            body.quote_validity_hours,
            1..=QUOTE_VALIDITY_HOURS_MAX,
        ),
        ("/reminder_lead_days", body.reminder_lead_days, 0..=60),
        ("/reminder_window_days", body.reminder_window_days, 1..=90),
        ("/reminder_contacts_per_week", body.reminder_contacts_per_week, 1..=14),
        (
            "/response_target_minutes",
            body.response_target_minutes,
            1..=RESPONSE_TARGET_MINUTES_MAX,
        ),
        (
            "/return_window_days",
            body.return_window_days,
            0..=RETURN_WINDOW_DAYS_MAX,
        ),
        (
            "/proactive_quote_days",
            body.proactive_quote_days.flatten(),
            0..=PROACTIVE_QUOTE_DAYS_MAX,
        ),
    ] {
        if value.is_some_and(|n| !range.contains(&n)) {
            v.error(
                field,
                "out_of_range",
                format!("between {} and {}", range.start(), range.end()),
            );
        }
    }
    v.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let mut active: tenants::ActiveModel = find(&txn, tenant).await?.into();
    if let Some(auto_send) = body.auto_send {
        active.auto_send = Set(auto_send);
    }
    if let Some(hours) = body.quote_validity_hours {
        active.quote_validity_hours = Set(hours);
    }
    if let Some(days) = body.reminder_lead_days {
        active.reminder_lead_days = Set(days);
    }
    if let Some(days) = body.reminder_window_days {
        active.reminder_window_days = Set(days);
    }
    if let Some(n) = body.reminder_contacts_per_week {
        active.reminder_contacts_per_week = Set(n);
    }
    if let Some(minutes) = body.response_target_minutes {
        // Whether a line was quoted too late depends on it: unmet demand is derived again.
        if active.response_target_minutes.as_ref() != &minutes {
            crate::insights::marks::touch_all(&txn, tenant).await?;
        }
        active.response_target_minutes = Set(minutes);
    }
    if let Some(days) = body.return_window_days {
        active.return_window_days = Set(days);
    }
    if let Some(days) = body.proactive_quote_days {
        active.proactive_quote_days = Set(days);
    }
    active.updated_at = Set(now);
    let tenant = active.update(&txn).await?;
    txn.commit().await?;
    Ok(tenant)
}

/// A new dealer with the default settings.
pub fn new_tenant(
    slug: String,
    name: String,
    time_zone: String,
    currency: String,
    now: DateTime<Utc>,
) -> tenants::ActiveModel {
    tenants::ActiveModel {
        id: Set(TenantId::generate()),
        slug: Set(slug),
        name: Set(name),
        time_zone: Set(time_zone),
        currency: Set(currency),
        auto_send: Set(false),
        quote_validity_hours: Set(DEFAULT_QUOTE_VALIDITY_HOURS),
        reminder_lead_days: Set(DEFAULT_REMINDER_LEAD_DAYS),
        reminder_window_days: Set(DEFAULT_REMINDER_WINDOW_DAYS),
        reminder_contacts_per_week: Set(DEFAULT_REMINDER_CONTACTS_PER_WEEK),
        response_target_minutes: Set(DEFAULT_RESPONSE_TARGET_MINUTES),
        return_window_days: Set(DEFAULT_RETURN_WINDOW_DAYS),
        proactive_quote_days: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Every dealer, for work that serves them all (schedulers, rebuilds, the command line).
pub async fn all(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<tenants::Model>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the dealers themselves, for work that serves every one"
    )]
    let all = tenants::Entity::find().all(db).await?;
    Ok(all)
}

/// A dealer by its slug or its id (as the command line names one).
#[expect(clippy::disallowed_methods, reason = "a dealer's own row, found by its slug or id")]
pub async fn find_by_key(db: &impl sea_orm::ConnectionTrait, key: &str) -> Result<Option<tenants::Model>> {
    let found = match key.parse::<TenantId>() {
        Ok(id) => tenants::Entity::find_by_id(id).one(db).await?,
        Err(_) => {
            tenants::Entity::find()
                .filter(tenants::Column::Slug.eq(key))
                .one(db)
                .await?
        }
    };
    Ok(found)
}

/// The dealer a signed-in caller belongs to. Users and keys are deleted with their dealer,
/// so a missing one is a server fault, not something the caller asked for.
pub async fn find(db: &impl sea_orm::ConnectionTrait, id: TenantId) -> Result<tenants::Model> {
    #[expect(clippy::disallowed_methods, reason = "a dealer's own row is scoped by its id")]
    tenants::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("tenant {id} is missing")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(valid_slug("shunda-parts"));
        assert!(!valid_slug("-x-"));
        assert!(!valid_slug("Shunda"));
        assert!(derive_slug("Shunda Auto Parts").starts_with("shunda-auto-parts-"));
        assert!(derive_slug("杭州顺达汽配").starts_with("dealer-"));
        assert!(valid_slug(&derive_slug("杭州顺达汽配")));
    }
}
