//! How a dealer's shops write, as its searches and matching read it: its synonym groups and
//! its vehicle vocabulary, each cached per dealer.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use search_index::vehicles::Vocabulary;

use crate::catalog::synonyms::{Groups, SynonymCache};
use crate::error::Result;
use crate::ids::TenantId;
use crate::vehicles::aliases::VehicleCache;

#[derive(Default)]
pub struct Lexicons {
    pub synonyms: SynonymCache,
    pub vehicles: VehicleCache,
}

/// One dealer's words, read once for a request.
#[derive(Clone)]
pub struct Lexicon {
    pub synonyms: Groups,
    pub vehicles: Arc<Vocabulary>,
}

impl Lexicons {
    pub async fn get(&self, db: &DatabaseConnection, tenant: TenantId) -> Result<Lexicon> {
        Ok(Lexicon {
            synonyms: self.synonyms.get(db, tenant).await?,
            vehicles: self.vehicles.get(db, tenant).await?,
        })
    }
}
