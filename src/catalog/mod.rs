//! Dealer catalogs: parts, their numbers and fitments, imports and exports.

pub mod export;
pub mod feed;
pub mod import;
pub mod lexicon;
pub mod numbers;
pub mod part;
pub mod parts;
pub mod routes;
pub mod rows;
pub mod store;
pub mod synonyms;
