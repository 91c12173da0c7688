//! Catalog search for staff and shops, and the indexer that keeps the index current.

pub mod display;
pub mod indexer;
pub mod routes;
