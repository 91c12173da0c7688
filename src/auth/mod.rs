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

pub use extract::{AdminStaff, AnyStaff, SalesStaff, Shop, Staff};
