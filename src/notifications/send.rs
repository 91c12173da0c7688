//! Delivering one message to one channel: the group robots' webhook APIs (WeCom markdown,
//! DingTalk markdown with its signature, Feishu card with its signature) and e-mail over SMTP.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::{Value, json};
use sha2::Sha256;

use super::{ChannelKind, SmtpSecurity, SmtpSettings};
use crate::entities::notification_channels;

/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// DingTalk's 加签: HMAC-SHA256 of `timestamp\nsecret` keyed with the secret, in base64; the
/// robot refuses a timestamp more than an hour off.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    hmac_base64(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes())
}

/// Feishu's 签名校验: HMAC-SHA256 of nothing, keyed with `timestamp\nsecret`, in base64.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    hmac_base64(format!("{timestamp_s}\n{secret}").as_bytes(), b"")
}

/// Delivers the message; the error says why not, for the delivery log.
pub async fn deliver(
    client: &reqwest::Client,
    channel: &notification_channels::Model,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    match channel.kind {
        // Delivered is all it takes: the console reads it from the queue.
        ChannelKind::Console => Ok(()),
        ChannelKind::Email => email(channel, title, body).await,
        kind => robot(client, kind, channel, title, body, now).await,
    }
}

async fn robot(
    client: &reqwest::Client,
    kind: ChannelKind,
    channel: &notification_channels::Model,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let url = channel.url.as_deref().ok_or("the channel has no webhook address")?;
    let mut url = reqwest::Url::parse(url).map_err(|e| format!("bad webhook address: {e}"))?;
    let payload = match kind {
        ChannelKind::Wecom => json!({ "msgtype": "markdown", "markdown": { "content": body } }),
        ChannelKind::Dingtalk => {
            if let Some(secret) = &channel.secret {
                let timestamp = now.timestamp_millis();
                url.query_pairs_mut()
                    .append_pair("timestamp", &timestamp.to_string())
                    .append_pair("sign", &dingtalk_sign(secret, timestamp));
            }
            json!({ "msgtype": "markdown", "markdown": { "title": title, "text": body } })
        }
        ChannelKind::Feishu | ChannelKind::Email | ChannelKind::Console => {
            let mut payload = json!({
                "msg_type": "interactive",
                "card": {
                    "header": { "title": { "tag": "plain_text", "content": title } },
                    "elements": [{ "tag": "markdown", "content": body }],
                },
            });
            if let Some(secret) = &channel.secret {
                let timestamp = now.timestamp();
                payload["timestamp"] = json!(timestamp.to_string());
                payload["sign"] = json!(feishu_sign(secret, timestamp));
            }
            payload
        }
    };
    let response = client
        .post(url)
        .timeout(ATTEMPT_TIMEOUT)
        .json(&payload)
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", text.chars().take(200).collect::<String>()));
    }
    // The robots answer 200 with an error code in the body when they refuse (a bad signature,
    // a wrong key, too many messages).
    if let Ok(answer) = serde_json::from_str::<Value>(&text) {
        let code = answer
            .get("errcode")
            .or_else(|| answer.get("code"))
            .or_else(|| answer.get("StatusCode"))
            .and_then(Value::as_i64);
        if let Some(code) = code.filter(|c| *c != 0) {
            let message = answer
                .get("errmsg")
                .or_else(|| answer.get("msg"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(format!("refused ({code}): {message}"));
        }
    }
    Ok(())
}

async fn email(channel: &notification_channels::Model, title: &str, body: &str) -> Result<(), String> {
    let settings: SmtpSettings = channel
        .smtp
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or("the channel has no SMTP server")?;
    let from: Mailbox = settings.from.parse().map_err(|e| format!("bad sender: {e}"))?;
    let mut message = lettre::Message::builder().from(from).subject(title);
    for to in &settings.to {
        message = message.to(to.parse().map_err(|e| format!("bad recipient {to}: {e}"))?);
    }
    let message = message
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|e| format!("bad message: {e}"))?;
    let mut transport = match settings.security {
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host),
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host),
        SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)),
    }
    .map_err(|e| format!("SMTP server: {e}"))?
    .port(settings.port)
    .timeout(Some(ATTEMPT_TIMEOUT));
    if let (Some(user), Some(password)) = (&settings.username, &channel.secret) {
        transport = transport.credentials(Credentials::new(user.clone(), password.clone()));
    }
    transport
        .build()
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("SMTP: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_values_computed_independently() {
        // Expected values from Python's hmac module with each platform's documented recipe.
        assert_eq!(
            dingtalk_sign("SEC000", 1_700_000_000_000),
            "ltBBey5eZrWKh1cPzFIdz3v3xpkc4Tjx4lLsPSHqdtA="
        );
        assert_eq!(
            feishu_sign("secret", 1_700_000_000),
            "fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA="
        );
    }
}
