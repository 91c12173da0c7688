use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One failed login, counted against a throttle key (`email:…` or `addr:…`). Not a dealer's
/// row: a login names no dealer until it succeeds.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub throttle_key: String,
    pub failed_at: DateTime<Utc>,
}

impl ActiveModelBehavior for ActiveModel {}
