//! The catalog search index (tantivy). Filled in by the catalog work; the tenant filter
//! lives here so that every query goes through it.
