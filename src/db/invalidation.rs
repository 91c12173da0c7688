//! Cached rows told changed to every server on the same PostgreSQL (`NOTIFY`), so that a role
//! change, a removal, a log-out or a dealer's new synonyms apply on all of them at once rather
//! than when each one's cache expires. Sent in the writer's transaction when there is one:
//! PostgreSQL delivers it on commit, never for a change rolled back. SQLite serves one process,
//! whose caches the writer updates itself; there nothing is sent.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

use crate::ids::{TenantId, UserId};

/// The channel every server listens on.
pub const CHANNEL: &str = "partsdesk_cache";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A staff account's role, password or existence.
    Account(UserId),
    /// A browser session, by the hash of its token (never the token itself).
    Session(String),
    /// A dealer's synonym groups.
    Synonyms(TenantId),
    /// A dealer's vehicle aliases.
    VehicleAliases(TenantId),
}

impl Change {
    fn payload(&self) -> String {
        match self {
            Self::Account(id) => format!("account:{id}"),
            Self::Session(hash) => format!("session:{hash}"),
            Self::Synonyms(tenant) => format!("synonyms:{tenant}"),
            Self::VehicleAliases(tenant) => format!("vehicle_aliases:{tenant}"),
        }
    }

    /// A payload as [`publish`] wrote it; `None` for anything else.
    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, value) = payload.split_once(':')?;
        Some(match kind {
            "account" => Self::Account(value.parse().ok()?),
            "session" => Self::Session(value.to_owned()),
            "synonyms" => Self::Synonyms(value.parse().ok()?),
            "vehicle_aliases" => Self::VehicleAliases(value.parse().ok()?),
            _ => return None,
        })
    }
}

/// Tells the other servers that `change` happened (PostgreSQL only).
pub async fn publish(db: &impl ConnectionTrait, change: &Change) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), change.payload().into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back_as_written() {
        for change in [
            Change::Account(UserId::generate()),
            Change::Session("9f86d081884c7d659a2feaa0c55ad015".to_owned()),
            Change::Synonyms(TenantId::generate()),
            Change::VehicleAliases(TenantId::generate()),
        ] {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("account:not-an-id"), None);
        assert_eq!(Change::parse("other:x"), None);
    }
}
