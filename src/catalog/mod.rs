//! Dealer catalogs: parts, their numbers and fitments, imports and exports.

pub mod numbers;
pub mod part;
pub mod routes;
pub mod store;
pub mod synonyms;
pub mod rows;
