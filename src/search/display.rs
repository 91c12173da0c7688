//! What a search hit shows of a part, stored in the index beside the part's words: the
//! indexer writes it from the same committed row it indexes, so a search answers from the
//! index alone, and is exactly as current as the hits themselves.

use serde::{Deserialize, Serialize};

use crate::catalog::part::PartInput;
use crate::entities::parts;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartView {
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub unit: Option<String>,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub stock: i64,
}

impl PartView {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(stored: Option<&str>) -> Option<Self> {
        serde_json::from_str(stored?).ok()
    }
}

impl From<parts::Model> for PartView {
    fn from(part: parts::Model) -> Self {
        Self {
            sku: part.sku,
            name: part.name,
            brand: part.brand,
            category: part.category,
            unit: part.unit,
            price_minor: part.price_minor,
            currency: part.currency,
            stock: part.stock,
        }
    }
}

impl From<&PartInput> for PartView {
    fn from(part: &PartInput) -> Self {
        Self {
            sku: part.sku.clone(),
            name: part.name.clone(),
            brand: part.brand.clone(),
            category: part.category.clone(),
            unit: part.unit.clone(),
            price_minor: part.price_minor,
            currency: part.currency.clone(),
            stock: part.stock,
        }
    }
}
