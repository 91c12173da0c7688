//! Who may call what: staff logins (JWT), shop API keys, roles and the typed extractors that
//! put the caller's tenant in every handler's hands.
//!
//! Permission table (also in the API description):
//!
//! | action                                   | owner | admin | sales | viewer |
//! |------------------------------------------|-------|-------|-------|--------|
//! | read own profile (`/v1/me`)              | yes   | yes   | yes   | yes    |
//! | read customers                           | yes   | yes   | yes   | yes    |
//! | create / edit customers                  | yes   | yes   | yes   | no     |
//! | archive customers, manage shop API keys  | yes   | yes   | no    | no     |
//! | list / create / edit / delete staff      | yes   | yes*  | no    | no     |
//!
//! *an admin manages `sales` and `viewer` accounts only; only the owner manages admins.
//! Nobody changes the owner account through the staff API, and nobody deletes themselves.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod routes;
pub mod sessions;
pub mod throttle;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use extract::{AdminStaff, AnyStaff, SalesStaff, Shop, Staff};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[sea_orm(string_value = "viewer")]
    Viewer,
    #[sea_orm(string_value = "sales")]
    Sales,
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "owner")]
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Sales => "sales",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }

    /// Whether a staff member with this role may create, change or delete an account that
    /// has (or is to get) `target`.
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Self::Owner => target != Self::Owner,
            Self::Admin => matches!(target, Self::Sales | Self::Viewer),
            Self::Sales | Self::Viewer => false,
        }
    }
}
