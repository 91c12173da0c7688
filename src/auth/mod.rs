//! Who may call what: staff logins (JWT, or a browser session), shop API keys and the callers they identify. The
//! callers are plain values here; `extract` makes them the handlers' typed extractors.
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

pub mod browser;
pub mod extract;
pub mod jwt;
pub mod password;
pub mod routes;
pub mod sessions;
pub mod throttle;

use std::marker::PhantomData;

use crate::entities::{Role, customers};
use crate::ids::{ApiKeyId, TenantId, UserId};

pub trait RoleRequirement: Send + Sync + 'static {
    const MIN: Role;
}

pub struct ViewerOrAbove;
pub struct SalesOrAbove;
pub struct AdminOrAbove;

impl RoleRequirement for ViewerOrAbove {
    const MIN: Role = Role::Viewer;
}
impl RoleRequirement for SalesOrAbove {
    const MIN: Role = Role::Sales;
}
impl RoleRequirement for AdminOrAbove {
    const MIN: Role = Role::Admin;
}

/// A signed-in staff member of a dealer whose role is at least `R::MIN`.
pub struct Staff<R: RoleRequirement> {
    pub tenant: TenantId,
    pub user_id: UserId,
    /// The role as stored now, not as it was when the token was issued: a demotion takes
    /// effect on the next request (served by this process; within seconds on another).
    pub role: Role,
    /// Signed in with the browser session cookie (not a bearer token).
    pub by_session: bool,
    _requirement: PhantomData<R>,
}

pub type AnyStaff = Staff<ViewerOrAbove>;
pub type SalesStaff = Staff<SalesOrAbove>;
pub type AdminStaff = Staff<AdminOrAbove>;

impl<R: RoleRequirement> Staff<R> {
    pub fn new(tenant: TenantId, user_id: UserId, role: Role) -> Self {
        Self {
            tenant,
            user_id,
            role,
            by_session: false,
            _requirement: PhantomData,
        }
    }

    /// Who is acting, for the services.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant: self.tenant,
            user: self.user_id,
            role: self.role,
        }
    }
}

/// A staff member acting, as services take one: the dealer, the person and their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub tenant: TenantId,
    pub user: UserId,
    pub role: Role,
}

/// A repair shop calling with its API key (`Authorization: Bearer psk_…` or `X-Api-Key`).
/// It reaches only its own customer's data.
pub struct Shop {
    pub tenant: TenantId,
    pub key_id: ApiKeyId,
    /// The shop's own customer record, loaded while checking the key.
    pub customer: customers::Model,
}
