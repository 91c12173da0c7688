//! Notifications that reach dealer staff where they work: WeCom (企业微信), DingTalk and Feishu
//! group robots, and e-mail over SMTP. A dealer's owner or admin sets up channels, each with the
//! events it carries; every message goes through the persisted queue (`notification_deliveries`),
//! with retries, quiet hours and an hourly cap, and its log is readable.
//!
//! Events: an inquiry waiting past the response target; the day's call list as a digest at a
//! chosen hour; an unmet-demand spike (a part asked for by several shops in a day with nothing to
//! offer); a quote accepted above a value; and a test message.

pub mod render;
pub mod routes;
pub mod send;
pub mod triggers;
pub mod worker;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::db::TenantScoped;
pub use crate::entities::{ChannelKind, MessageLanguage, NotificationEvent};
use crate::entities::{DeliveryState, notification_channels, notification_deliveries};
use crate::error::{Error, Result};
use crate::ids::{ChannelId, NotificationId, TenantId, UserId};
use crate::pagination::{PageParams, finish_page};
use crate::validate::Validator;

pub const CHANNELS_MAX: u64 = 20;
pub const PERSONAL_CHANNELS_MAX: u64 = 5;
pub const NAME_MAX: usize = 100;
pub const SECRET_MAX: usize = 500;
pub const RECIPIENTS_MAX: usize = 20;
pub const HOURLY_CAP_MAX: i32 = 1_000;
pub const DEFAULT_HOURLY_CAP: i32 = 20;
pub const DEFAULT_DIGEST_HOUR: i32 = 8;
pub const DEFAULT_SPIKE_SHOPS: i32 = 3;
pub const SPIKE_SHOPS_MAX: i32 = 100;

/// How an e-mail channel reaches its SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then upgraded with STARTTLS (port 587); refused if the server cannot.
    Starttls,
    /// No encryption: only for a server on the dealer's own network, where the service allows
    /// private addresses.
    None,
}

/// An e-mail channel's server and addresses, as stored (the password is the channel's secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// The sender, `partsdesk <noreply@dealer.cn>` or a bare address.
    pub from: String,
    /// Recipients, 1-20.
    pub to: Vec<String>,
}

/// An e-mail channel's server as sent: the settings and the password (write-only).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpRequest {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    /// Never shown back. On a change, left out keeps the current one and `""` removes it.
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

/// Hours of the dealer's day during which nothing is delivered (it waits until `end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// 0-23: from this hour…
    pub start: i32,
    /// 0-23: …until this hour (may wrap past midnight: 22 to 8).
    pub end: i32,
}

impl QuietHours {
    /// Whether `hour` of the dealer's day is quiet.
    pub fn contains(self, hour: i32) -> bool {
        if self.start <= self.end {
            (self.start..self.end).contains(&hour)
        } else {
            hour >= self.start || hour < self.end
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRequest {
    pub kind: ChannelKind,
    /// 1-100 characters (`销售群`).
    pub name: String,
    /// What it carries, at least one.
    pub events: Vec<NotificationEvent>,
    /// The robot's webhook address (WeCom, DingTalk, Feishu); required for them.
    pub url: Option<String>,
    /// The robot's signing secret (DingTalk 加签, Feishu 签名校验); never shown back. On a
    /// change, left out keeps the current one and `""` removes it.
    pub secret: Option<String>,
    /// Required for e-mail.
    pub smtp: Option<SmtpRequest>,
    /// `zh-CN` (default) or `en`.
    pub language: Option<MessageLanguage>,
    pub quiet_hours: Option<QuietHours>,
    /// Messages per hour at most, 1-1000 (default 20); the rest wait for the next hour.
    pub hourly_cap: Option<i32>,
    /// Hour of the dealer's day for the call list digest, 0-23 (default 8).
    pub digest_hour: Option<i32>,
    /// `quote_accepted` announces accepted quotes from this total up (decimal, default 0).
    pub accepted_value_min: Option<String>,
    /// `demand_spike` needs this many distinct shops asking in a day, 2-100 (default 3).
    pub spike_shops: Option<i32>,
    /// Default `true`.
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SmtpResponse {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub has_password: bool,
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelResponse {
    pub id: ChannelId,
    /// A staff member's own channel (`/v1/me/notification-channels`); `null`: the dealer's.
    pub user_id: Option<UserId>,
    pub kind: ChannelKind,
    pub name: String,
    pub enabled: bool,
    pub events: Vec<NotificationEvent>,
    /// The robot's address with its access token hidden (`…?key=***`).
    pub url: Option<String>,
    /// A signing secret is set (it is never shown).
    pub has_secret: bool,
    pub smtp: Option<SmtpResponse>,
    pub language: MessageLanguage,
    pub quiet_hours: Option<QuietHours>,
    pub hourly_cap: i32,
    pub digest_hour: i32,
    pub accepted_value_min: String,
    pub spike_shops: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelList {
    pub items: Vec<ChannelResponse>,
}

/// A robot address without its access token: query values and the last path segment of a
/// DingTalk/Feishu hook are what grant access.
fn masked(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(k, _)| (k.into_owned(), "***".to_owned()))
                .collect();
            if pairs.is_empty() {
                parsed.set_query(None);
            } else {
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            let path = parsed.path().to_owned();
            if let Some((head, tail)) = path.rsplit_once('/')
                && tail.len() > 8
            {
                parsed.set_path(&format!("{head}/***"));
            }
            parsed.to_string().replace("%2A%2A%2A", "***")
        }
        Err(_) => "***".to_owned(),
    }
}

impl From<notification_channels::Model> for ChannelResponse {
    fn from(c: notification_channels::Model) -> Self {
        let smtp: Option<SmtpSettings> = c.smtp.and_then(|v| serde_json::from_value(v).ok());
        Self {
            id: c.id,
            user_id: c.user_id,
            kind: c.kind,
            name: c.name,
            enabled: c.enabled,
            events: serde_json::from_value(c.events).unwrap_or_default(),
            url: c.url.as_deref().map(masked),
            has_secret: c.secret.is_some() && matches!(c.kind, ChannelKind::Dingtalk | ChannelKind::Feishu),
            smtp: smtp.map(|s| SmtpResponse {
                host: s.host,
                port: s.port,
                security: s.security,
                username: s.username,
                has_password: c.secret.is_some(),
                from: s.from,
                to: s.to,
            }),
            language: c.language,
            quiet_hours: c
                .quiet_start
                .zip(c.quiet_end)
                .map(|(start, end)| QuietHours { start, end }),
            hourly_cap: c.hourly_cap,
            digest_hour: c.digest_hour,
            accepted_value_min: crate::money::format_price(c.accepted_value_min_minor),
            spike_shops: c.spike_shops,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn check_mailbox(v: &mut Validator, field: &str, address: &str) {
    if address.parse::<lettre::message::Mailbox>().is_err() {
        v.error(field, "invalid_email", "not an e-mail address");
    }
}

/// Whose channels a call works on: the dealer's shared ones (owners and admins manage them), or
/// one staff member's own.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub tenant: TenantId,
    pub user: Option<UserId>,
}

impl Owner {
    pub fn dealer(tenant: TenantId) -> Self {
        Self { tenant, user: None }
    }

    pub fn person(tenant: TenantId, user: UserId) -> Self {
        Self {
            tenant,
            user: Some(user),
        }
    }

    fn channels(self) -> sea_orm::Select<notification_channels::Entity> {
        let query = notification_channels::Entity::scoped(self.tenant);
        match self.user {
            Some(user) => query.filter(notification_channels::Column::UserId.eq(user)),
            None => query.filter(notification_channels::Column::UserId.is_null()),
        }
    }

    /// Channels at most: the dealer's shared ones, or one person's own.
    fn limit(self) -> u64 {
        if self.user.is_some() {
            PERSONAL_CHANNELS_MAX
        } else {
            CHANNELS_MAX
        }
    }
}

/// A channel as validated, ready to store.
struct Valid {
    events: Vec<NotificationEvent>,
    url: Option<String>,
    smtp: Option<SmtpSettings>,
    secret: Option<String>,
    accepted_value_min_minor: i64,
}

fn validate(body: &ChannelRequest, allow_private: bool) -> Result<Valid> {
    let mut v = Validator::default();
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        v.error("/name", "invalid_length", format!("1-{NAME_MAX} characters"));
    }
    let events: Vec<NotificationEvent> = body
        .events
        .iter()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if events.is_empty() {
        v.error("/events", "required", "at least one event");
    }
    let mut url = None;
    let mut smtp = None;
    let mut secret = body.secret.clone().filter(|s| !s.trim().is_empty());
    if secret.as_ref().is_some_and(|s| s.chars().count() > SECRET_MAX) {
        v.error("/secret", "too_long", format!("at most {SECRET_MAX} characters"));
    }
    match body.kind {
        ChannelKind::Wecom | ChannelKind::Dingtalk | ChannelKind::Feishu => {
            if body.smtp.is_some() {
                v.error("/smtp", "not_allowed", "only an e-mail channel has an SMTP server");
            }
            match body.url.as_deref() {
                None => v.error("/url", "required", "the robot's webhook address"),
                Some(raw) => match crate::webhooks::target::check(raw, allow_private) {
                    Ok(parsed) => url = Some(parsed.to_string()),
                    Err(err) => v.error("/url", "invalid_url", err.to_string()),
                },
            }
            if body.kind == ChannelKind::Wecom && secret.is_some() {
                v.error("/secret", "not_allowed", "a WeCom robot has no signing secret");
            }
        }
        ChannelKind::Console => {
            for (field, given) in [
                ("/url", body.url.is_some()),
                ("/secret", body.secret.is_some()),
                ("/smtp", body.smtp.is_some()),
            ] {
                if given {
                    v.error(field, "not_allowed", "the console's list needs no address");
                }
            }
        }
        ChannelKind::Email => {
            if body.url.is_some() {
                v.error("/url", "not_allowed", "an e-mail channel has no webhook address");
            }
            if body.secret.is_some() {
                v.error(
                    "/secret",
                    "not_allowed",
                    "an e-mail channel's password goes in `smtp.password`",
                );
            }
            match &body.smtp {
                None => v.error("/smtp", "required", "the SMTP server and addresses"),
                Some(s) => {
                    let host = s.host.trim();
                    if host.is_empty() || host.len() > 253 {
                        v.error("/smtp/host", "invalid_host", "a host name or address");
                    }
                    if s.port == 0 {
                        v.error("/smtp/port", "out_of_range", "1-65535");
                    }
                    if s.security == SmtpSecurity::None && !allow_private {
                        v.error(
                            "/smtp/security",
                            "insecure",
                            "the password and messages would cross the network unencrypted: use tls or starttls",
                        );
                    }
                    check_mailbox(&mut v, "/smtp/from", &s.from);
                    if s.to.is_empty() || s.to.len() > RECIPIENTS_MAX {
                        v.error("/smtp/to", "invalid_length", format!("1-{RECIPIENTS_MAX} recipients"));
                    }
                    for (i, to) in s.to.iter().enumerate() {
                        check_mailbox(&mut v, &format!("/smtp/to/{i}"), to);
                    }
                    secret = s.password.clone().filter(|p| !p.is_empty());
                    smtp = Some(SmtpSettings {
                        host: host.to_owned(),
                        port: s.port,
                        security: s.security,
                        username: s.username.clone().filter(|u| !u.is_empty()),
                        from: s.from.trim().to_owned(),
                        to: s.to.iter().map(|t| t.trim().to_owned()).collect(),
                    });
                }
            }
        }
    }
    if let Some(q) = body.quiet_hours {
        for (field, hour) in [("/quiet_hours/start", q.start), ("/quiet_hours/end", q.end)] {
            if !(0..=23).contains(&hour) {
                v.error(field, "out_of_range", "0-23");
            }
        }
        if q.start == q.end {
            v.error(
                "/quiet_hours/end",
                "invalid_value",
                "the quiet hours end at another hour than they start",
            );
        }
    }
    for (field, value, range) in [
        ("/hourly_cap", body.hourly_cap, 1..=HOURLY_CAP_MAX),
        ("/digest_hour", body.digest_hour, 0..=23),
        ("/spike_shops", body.spike_shops, 2..=SPIKE_SHOPS_MAX),
    ] {
        if value.is_some_and(|n| !range.contains(&n)) {
            v.error(field, "out_of_range", format!("{}-{}", range.start(), range.end()));
        }
    }
    let mut accepted_value_min_minor = 0;
    if let Some(raw) = &body.accepted_value_min {
        match crate::money::parse_price(&serde_json::Value::String(raw.clone())) {
            Ok(Some(minor)) if minor >= 0 => accepted_value_min_minor = minor,
            _ => v.error("/accepted_value_min", "invalid_price", "a decimal amount, 0 or more"),
        }
    }
    v.finish()?;
    Ok(Valid {
        events,
        url,
        smtp,
        secret,
        accepted_value_min_minor,
    })
}

/// Adds a channel (at most 20 shared ones per dealer, 5 of a person's own).
pub async fn create(
    db: &DatabaseConnection,
    owner: Owner,
    body: ChannelRequest,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<ChannelResponse> {
    let valid = validate(&body, allow_private)?;
    let existing = owner.channels().count(db).await?;
    if existing >= owner.limit() {
        return Err(Error::Conflict {
            code: "limit_reached",
            detail: format!("at most {} notification channels here", owner.limit()),
            field: None,
        });
    }
    let quiet = body.quiet_hours;
    let channel = notification_channels::ActiveModel {
        id: Set(ChannelId::generate()),
        tenant_id: Set(owner.tenant),
        user_id: Set(owner.user),
        kind: Set(body.kind),
        name: Set(body.name.trim().to_owned()),
        enabled: Set(body.enabled.unwrap_or(true)),
        events: Set(json!(valid.events)),
        url: Set(valid.url),
        secret: Set(valid.secret),
        smtp: Set(valid.smtp.map(|s| json!(s))),
        language: Set(body.language.unwrap_or(MessageLanguage::Chinese)),
        quiet_start: Set(quiet.map(|q| q.start)),
        quiet_end: Set(quiet.map(|q| q.end)),
        hourly_cap: Set(body.hourly_cap.unwrap_or(DEFAULT_HOURLY_CAP)),
        digest_hour: Set(body.digest_hour.unwrap_or(DEFAULT_DIGEST_HOUR)),
        accepted_value_min_minor: Set(valid.accepted_value_min_minor),
        spike_shops: Set(body.spike_shops.unwrap_or(DEFAULT_SPIKE_SHOPS)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(channel.into())
}

/// Replaces a channel's settings; a robot address, secret or SMTP password left out is kept
/// (the console never sees them whole, so it cannot send them back), and an empty secret or
/// password removes it.
pub async fn replace(
    db: &DatabaseConnection,
    owner: Owner,
    id: ChannelId,
    mut body: ChannelRequest,
    allow_private: bool,
    now: DateTime<Utc>,
) -> Result<ChannelResponse> {
    let current = find(db, owner, id).await?;
    if body.url.is_none() && body.kind == current.kind {
        body.url.clone_from(&current.url);
    }
    let valid = validate(&body, allow_private)?;
    if current.kind != body.kind {
        return Err(Error::field(
            "/kind",
            "immutable",
            "a channel's kind cannot change: add another",
        ));
    }
    let quiet = body.quiet_hours;
    let mut active: notification_channels::ActiveModel = current.clone().into();
    active.name = Set(body.name.trim().to_owned());
    active.enabled = Set(body.enabled.unwrap_or(current.enabled));
    active.events = Set(json!(valid.events));
    active.url = Set(valid.url);
    let removed = match body.kind {
        ChannelKind::Dingtalk | ChannelKind::Feishu => body.secret.as_deref().is_some_and(|s| s.trim().is_empty()),
        ChannelKind::Email => body
            .smtp
            .as_ref()
            .and_then(|s| s.password.as_deref())
            .is_some_and(str::is_empty),
        _ => false,
    };
    active.secret = Set(if removed { None } else { valid.secret.or(current.secret) });
    active.smtp = Set(valid.smtp.map(|s| json!(s)));
    active.language = Set(body.language.unwrap_or(current.language));
    active.quiet_start = Set(quiet.map(|q| q.start));
    active.quiet_end = Set(quiet.map(|q| q.end));
    active.hourly_cap = Set(body.hourly_cap.unwrap_or(current.hourly_cap));
    active.digest_hour = Set(body.digest_hour.unwrap_or(current.digest_hour));
    active.accepted_value_min_minor = Set(valid.accepted_value_min_minor);
    active.spike_shops = Set(body.spike_shops.unwrap_or(current.spike_shops));
    active.updated_at = Set(now);
    Ok(active.update(db).await?.into())
}

async fn find(db: &impl ConnectionTrait, owner: Owner, id: ChannelId) -> Result<notification_channels::Model> {
    owner
        .channels()
        .filter(notification_channels::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(Error::not_found("notification channel"))
}

pub async fn list(db: &impl ConnectionTrait, owner: Owner) -> Result<ChannelList> {
    Ok(ChannelList {
        items: owner
            .channels()
            .order_by_asc(notification_channels::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(ChannelResponse::from)
            .collect(),
    })
}

/// Removes a channel with its queue and log.
pub async fn delete(db: &DatabaseConnection, owner: Owner, id: ChannelId) -> Result<()> {
    find(db, owner, id).await?;
    let tenant = owner.tenant;
    let txn = crate::db::begin_write(db).await?;
    notification_deliveries::Entity::scoped_delete(tenant)
        .filter(notification_deliveries::Column::ChannelId.eq(id))
        .exec(&txn)
        .await?;
    notification_channels::Entity::scoped_delete(tenant)
        .filter(notification_channels::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// One message for one channel.
pub struct Message {
    pub event: NotificationEvent,
    /// What it announces: the channel gets it once.
    pub dedupe_key: String,
    pub title: String,
    pub body: String,
}

/// Queues `message` for `channel` unless it has had it already; returns whether it was queued.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    channel: &notification_channels::Model,
    message: Message,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = notification_deliveries::ActiveModel {
        id: Set(NotificationId::generate()),
        tenant_id: Set(channel.tenant_id),
        channel_id: Set(channel.id),
        event: Set(message.event),
        dedupe_key: Set(message.dedupe_key),
        title: Set(message.title),
        body: Set(message.body),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_attempt_at: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    };
    let inserted = notification_deliveries::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                notification_deliveries::Column::ChannelId,
                notification_deliveries::Column::DedupeKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(inserted == 1)
}

/// The dealer's enabled channels carrying `event`.
pub async fn channels_for(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    event: NotificationEvent,
) -> Result<Vec<notification_channels::Model>> {
    Ok(notification_channels::Entity::scoped(tenant)
        .filter(notification_channels::Column::Enabled.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .filter(|c| carries(c, event))
        .collect())
}

pub fn carries(channel: &notification_channels::Model, event: NotificationEvent) -> bool {
    serde_json::from_value::<Vec<NotificationEvent>>(channel.events.clone()).is_ok_and(|events| events.contains(&event))
}

/// Queues a test message for the channel now (quiet hours and the cap still apply).
pub async fn test(
    db: &DatabaseConnection,
    owner: Owner,
    id: ChannelId,
    now: DateTime<Utc>,
) -> Result<NotificationResponse> {
    let channel = find(db, owner, id).await?;
    let tenant = owner.tenant;
    let dedupe_key = format!("test:{}", NotificationId::generate());
    let (title, body) = render::test(channel.language, &channel.name);
    enqueue(
        db,
        &channel,
        Message {
            event: NotificationEvent::Test,
            dedupe_key: dedupe_key.clone(),
            title,
            body,
        },
        now,
    )
    .await?;
    let row = notification_deliveries::Entity::scoped(tenant)
        .filter(notification_deliveries::Column::ChannelId.eq(id))
        .filter(notification_deliveries::Column::DedupeKey.eq(dedupe_key))
        .one(db)
        .await?
        .ok_or(Error::not_found("notification"))?;
    Ok(row.into())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: NotificationId,
    pub channel_id: ChannelId,
    pub event: NotificationEvent,
    pub title: String,
    /// The message as sent (markdown).
    pub body: String,
    /// `pending` (waiting for its next attempt, quiet hours or the hourly cap), `delivered` or
    /// `failed` (retries exhausted, or its channel was disabled).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<notification_deliveries::Model> for NotificationResponse {
    fn from(d: notification_deliveries::Model) -> Self {
        Self {
            id: d.id,
            channel_id: d.channel_id,
            event: d.event,
            title: d.title,
            body: d.body,
            state: d.state.as_str().to_owned(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationListParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this channel's messages.
    pub channel: Option<ChannelId>,
    /// `pending`, `delivered` or `failed`.
    pub state: Option<String>,
}

/// What the console's bell shows a staff member: the messages of the dealer's shared `console`
/// channels and of their own, newest first.
pub async fn feed(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    reader: UserId,
    params: FeedParams,
) -> Result<NotificationList> {
    let consoles = notification_channels::Entity::scoped(tenant)
        .filter(notification_channels::Column::Kind.eq(ChannelKind::Console))
        .filter(
            sea_orm::Condition::any()
                .add(notification_channels::Column::UserId.is_null())
                .add(notification_channels::Column::UserId.eq(reader)),
        )
        .select_only()
        .column(notification_channels::Column::Id)
        .into_query();
    let query = notification_deliveries::Entity::scoped(tenant)
        .filter(notification_deliveries::Column::ChannelId.in_subquery(consoles))
        .filter(notification_deliveries::Column::State.eq(DeliveryState::Delivered));
    page_of(db, query, params.limit, params.cursor).await
}

/// One page of `query`, newest first.
async fn page_of(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<notification_deliveries::Entity>,
    limit: Option<u64>,
    cursor: Option<String>,
) -> Result<NotificationList> {
    let page = PageParams { limit, cursor };
    let limit = page.limit()?;
    let mut query = query.order_by_desc(notification_deliveries::Column::Id);
    if let Some(before) = page.cursor::<NotificationId>()? {
        query = query.filter(notification_deliveries::Column::Id.lt(before));
    }
    let rows = query.limit(limit + 1).all(db).await?;
    let (rows, next_cursor) = finish_page(rows, limit, |d| d.id);
    Ok(NotificationList {
        items: rows.into_iter().map(NotificationResponse::from).collect(),
        next_cursor,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Items per page, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationResponse>,
    pub next_cursor: Option<String>,
}

/// The notifications of the owner's channels (all of the dealer's for the dealer), newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    owner: Owner,
    params: NotificationListParams,
) -> Result<NotificationList> {
    let mut query = notification_deliveries::Entity::scoped(owner.tenant);
    if owner.user.is_some() {
        let mine = owner
            .channels()
            .select_only()
            .column(notification_channels::Column::Id)
            .into_query();
        query = query.filter(notification_deliveries::Column::ChannelId.in_subquery(mine));
    }
    if let Some(channel) = params.channel {
        query = query.filter(notification_deliveries::Column::ChannelId.eq(channel));
    }
    if let Some(state) = params.state.as_deref() {
        let state = DeliveryState::parse(state)
            .ok_or_else(|| Error::field("query.state", "invalid_value", "one of pending, delivered, failed"))?;
        query = query.filter(notification_deliveries::Column::State.eq(state));
    }
    page_of(db, query, params.limit, params.cursor).await
}
