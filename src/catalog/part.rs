//! A part as clients send it (API body, NDJSON line or CSV row), and the validated
//! [`PartInput`] every write path turns it into.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::catalog::numbers::{self, ParsedNumber};
use crate::error::FieldError;
use crate::money::parse_price;
use crate::validate::Validator;

/// Field limits (documented in the API description).
pub const SKU_MAX: usize = 64;
pub const NAME_MAX: usize = 200;
pub const SHORT_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 2_000;
pub const NUMBER_MAX: usize = 64;
/// Universal filters and gaskets list hundreds of OE and interchange numbers; losing one is losing
/// a sale, so the cap only guards against a broken file.
pub const NUMBERS_PER_PART_MAX: usize = 2_000;
pub const FITMENTS_PER_PART_MAX: usize = 500;
pub const ATTRIBUTES_MAX_BYTES: usize = 8 * 1024;
pub const STOCK_MAX: i64 = 1_000_000_000;

/// A number with an optional brand: `"TOYOTA:04465 02061"` or `{"brand": "TOYOTA", "number": "04465 02061"}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum NumberItem {
    Text(String),
    Object { brand: Option<String>, number: String },
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FitmentInput {
    #[schema(example = "TOYOTA")]
    pub make: String,
    #[schema(example = "COROLLA")]
    pub model: Option<String>,
    #[schema(example = 2003)]
    pub year_from: Option<i32>,
    #[schema(example = 2008)]
    pub year_to: Option<i32>,
    #[schema(example = "1ZZ-FE")]
    pub engine: Option<String>,
    pub note: Option<String>,
}

/// A part as sent by a client. Prices and stock may be JSON numbers or strings (as CSV
/// cells are); prices are exact decimals with at most two places.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PartRequest {
    #[schema(example = "BP-0986424735")]
    pub sku: Option<String>,
    #[schema(example = "刹车片(前) Front brake pads")]
    pub name: Option<String>,
    #[schema(example = "BOSCH")]
    pub brand: Option<String>,
    pub description: Option<String>,
    #[schema(example = "刹车系统")]
    pub category: Option<String>,
    #[schema(example = "套")]
    pub unit: Option<String>,
    /// List price, e.g. `"268.00"` or `268`.
    #[schema(value_type = Option<String>, example = "268.00")]
    pub price: Option<Value>,
    /// ISO 4217; defaults to the dealer's currency.
    pub currency: Option<String>,
    #[schema(value_type = Option<i64>, example = 12)]
    pub stock: Option<Value>,
    pub active: Option<bool>,
    /// The part brand's own number; defaults to the SKU.
    #[schema(example = "0 986 424 735")]
    pub article_number: Option<String>,
    /// Vehicle makers' numbers, `NUMBER` or `MAKER:NUMBER`.
    #[serde(default)]
    pub oe_numbers: Vec<NumberItem>,
    /// Equivalent parts of other brands, `BRAND:NUMBER`.
    #[serde(default)]
    pub cross_numbers: Vec<NumberItem>,
    /// Older numbers this part replaces.
    #[serde(default)]
    pub supersedes: Vec<NumberItem>,
    /// Newer numbers that replace this part.
    #[serde(default)]
    pub superseded_by: Vec<NumberItem>,
    #[serde(default)]
    pub fitment: Vec<FitmentInput>,
    /// Free-form extra data, kept as given (at most 8 KiB).
    pub attributes: Option<Map<String, Value>>,
    /// Anything else: rejected by the API, kept in `attributes` by imports.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    Article,
    Oe,
    Interchange,
    Supersedes,
    SupersededBy,
}

impl NumberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Oe => "oe",
            Self::Interchange => "interchange",
            Self::Supersedes => "supersedes",
            Self::SupersededBy => "superseded_by",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Article,
            Self::Oe,
            Self::Interchange,
            Self::Supersedes,
            Self::SupersededBy,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberInput {
    pub kind: NumberKind,
    pub brand: Option<String>,
    pub raw: String,
    pub normalized: String,
    pub side: Option<&'static str>,
}

/// A part that passed validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartInput {
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub unit: Option<String>,
    pub price_minor: Option<i64>,
    pub currency: String,
    pub stock: i64,
    pub active: bool,
    pub numbers: Vec<NumberInput>,
    pub fitments: Vec<FitmentInput>,
    pub attributes: Map<String, Value>,
}

impl PartInput {
    /// Identifies the content, so an unchanged re-import writes nothing.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&json))
    }
}

/// Whether unknown fields are an error (API) or extra attributes (imports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    Reject,
    KeepAsAttributes,
}

fn parse_stock(value: &Value) -> Result<i64, &'static str> {
    let n = match value {
        Value::Null => return Ok(0),
        Value::Number(n) => n.as_i64().ok_or("a whole number")?,
        Value::String(s) if s.trim().is_empty() => return Ok(0),
        Value::String(s) => s.trim().parse::<i64>().map_err(|_| "a whole number")?,
        _ => return Err("a whole number"),
    };
    if n < 0 {
        Err("must not be negative")
    } else if n > STOCK_MAX {
        Err("too large")
    } else {
        Ok(n)
    }
}

fn number_items(items: &[NumberItem]) -> Vec<ParsedNumber> {
    items
        .iter()
        .flat_map(|item| match item {
            NumberItem::Text(text) => numbers::split_cell(text),
            NumberItem::Object { brand, number } => numbers::split_cell(number)
                .into_iter()
                .map(|mut n| {
                    if let Some(b) = brand.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                        n.brand = Some(b.to_uppercase());
                    }
                    n
                })
                .collect(),
        })
        .collect()
}

impl PartRequest {
    /// Validate into a [`PartInput`], naming every invalid field.
    pub fn validate(self, default_currency: &str, extra: Extra) -> Result<PartInput, Vec<FieldError>> {
        let mut v = Validator::default();
        let sku = v.text("/sku", self.sku.as_deref().unwrap_or_default(), SKU_MAX);
        let name = v.text("/name", self.name.as_deref().unwrap_or_default(), NAME_MAX);
        let brand = v
            .opt_text("/brand", self.brand.as_deref(), SHORT_MAX)
            .map(|b| b.to_uppercase());
        let description = v.opt_text("/description", self.description.as_deref(), DESCRIPTION_MAX);
        let category = v.opt_text("/category", self.category.as_deref(), SHORT_MAX);
        let unit = v.opt_text("/unit", self.unit.as_deref(), SHORT_MAX);
        let price_minor = match parse_price(self.price.as_ref().unwrap_or(&Value::Null)) {
            Ok(p) => p,
            Err(message) => {
                v.error("/price", "invalid_price", message);
                None
            }
        };
        let currency = self
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(default_currency)
            .to_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            v.error("/currency", "invalid_currency", "an ISO 4217 code such as CNY");
        }
        let stock = parse_stock(self.stock.as_ref().unwrap_or(&Value::Null)).unwrap_or_else(|message| {
            v.error("/stock", "invalid_stock", message);
            0
        });

        let mut numbers = Vec::new();
        // The SKU doubles as the article number unless one is given (an invalid SKU is
        // reported once, as the SKU).
        let sku_ok = sku.chars().count() <= SKU_MAX;
        let article = self
            .article_number
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .unwrap_or(if sku_ok { &sku } else { "" });
        let groups = [
            (NumberKind::Article, "/article_number", numbers::split_cell(article)),
            (NumberKind::Oe, "/oe_numbers", number_items(&self.oe_numbers)),
            (
                NumberKind::Interchange,
                "/cross_numbers",
                number_items(&self.cross_numbers),
            ),
            (NumberKind::Supersedes, "/supersedes", number_items(&self.supersedes)),
            (
                NumberKind::SupersededBy,
                "/superseded_by",
                number_items(&self.superseded_by),
            ),
        ];
        for (kind, field, parsed) in groups {
            for n in parsed {
                if n.raw.chars().count() > NUMBER_MAX {
                    v.error(
                        field,
                        "too_long",
                        format!("each number at most {NUMBER_MAX} characters"),
                    );
                    continue;
                }
                let brand = match kind {
                    NumberKind::Article => n.brand.or_else(|| brand.clone()),
                    _ => n.brand,
                };
                let entry = NumberInput {
                    kind,
                    brand,
                    raw: n.raw,
                    normalized: n.normalized,
                    side: n.side.map(|s| s.as_str()),
                };
                if !numbers
                    .iter()
                    .any(|e: &NumberInput| e.kind == entry.kind && e.normalized == entry.normalized)
                {
                    numbers.push(entry);
                }
            }
        }
        if numbers.len() > NUMBERS_PER_PART_MAX {
            v.error(
                "/oe_numbers",
                "too_many",
                format!("at most {NUMBERS_PER_PART_MAX} numbers per part"),
            );
        }

        if self.fitment.len() > FITMENTS_PER_PART_MAX {
            v.error(
                "/fitment",
                "too_many",
                format!("at most {FITMENTS_PER_PART_MAX} fitments per part"),
            );
        }
        let mut fitments = Vec::with_capacity(self.fitment.len());
        for (i, f) in self.fitment.into_iter().enumerate() {
            let at = format!("/fitment/{i}");
            let make = v.text(&format!("{at}/make"), &f.make, SHORT_MAX).to_uppercase();
            let model = v
                .opt_text(&format!("{at}/model"), f.model.as_deref(), SHORT_MAX)
                .map(|m| m.to_uppercase());
            let engine = v.opt_text(&format!("{at}/engine"), f.engine.as_deref(), SHORT_MAX);
            let note = v.opt_text(&format!("{at}/note"), f.note.as_deref(), SHORT_MAX);
            for (year, name) in [(f.year_from, "year_from"), (f.year_to, "year_to")] {
                if year.is_some_and(|y| !(1900..=2100).contains(&y)) {
                    v.error(&format!("{at}/{name}"), "out_of_range", "a year between 1900 and 2100");
                }
            }
            if let (Some(from), Some(to)) = (f.year_from, f.year_to)
                && from > to
            {
                v.error(&format!("{at}/year_to"), "out_of_range", "year_to is before year_from");
            }
            fitments.push(FitmentInput {
                make,
                model,
                year_from: f.year_from,
                year_to: f.year_to,
                engine,
                note,
            });
        }

        let mut attributes = self.attributes.unwrap_or_default();
        match extra {
            Extra::Reject => {
                for key in self.extra.keys() {
                    v.error(&format!("/{key}"), "unknown_field", format!("unknown field `{key}`"));
                }
            }
            Extra::KeepAsAttributes => {
                for (key, value) in self.extra {
                    if !value.is_null() && value != Value::String(String::new()) {
                        attributes.insert(key, value);
                    }
                }
            }
        }
        if serde_json::to_vec(&attributes).map_or(0, |b| b.len()) > ATTRIBUTES_MAX_BYTES {
            v.error(
                "/attributes",
                "too_large",
                format!("at most {ATTRIBUTES_MAX_BYTES} bytes of JSON"),
            );
        }

        match v.finish() {
            Err(crate::error::Error::Validation(errors)) => Err(errors),
            _ => Ok(PartInput {
                sku,
                name,
                brand,
                description,
                category,
                unit,
                price_minor,
                currency,
                stock,
                active: self.active.unwrap_or(true),
                numbers,
                fitments,
                attributes,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_request_becomes_numbers_of_each_kind() {
        let req: PartRequest = serde_json::from_value(json!({
            "sku": "BP-001", "name": "刹车片", "brand": "bosch", "price": "268", "stock": "12",
            "article_number": "0 986 424 735",
            "oe_numbers": ["TOYOTA:04465 02061; 04465-0K290"],
            "cross_numbers": [{"brand": "TRW", "number": "GDB3287"}],
            "fitment": [{"make": "Toyota", "model": "Corolla", "year_from": 2003, "year_to": 2008}]
        }))
        .expect("json");
        let part = req.validate("CNY", Extra::Reject).expect("valid");
        assert_eq!(part.brand.as_deref(), Some("BOSCH"));
        assert_eq!(part.price_minor, Some(26_800));
        assert_eq!(part.stock, 12);
        let kinds: Vec<_> = part
            .numbers
            .iter()
            .map(|n| (n.kind, n.normalized.as_str(), n.brand.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                (NumberKind::Article, "0986424735", Some("BOSCH")),
                (NumberKind::Oe, "0446502061", Some("TOYOTA")),
                (NumberKind::Oe, "044650K290", None),
                (NumberKind::Interchange, "GDB3287", Some("TRW")),
            ]
        );
        assert_eq!(part.fitments[0].make, "TOYOTA");
    }

    #[test]
    fn bad_rows_name_every_field() {
        let req: PartRequest = serde_json::from_value(json!({
            "sku": "", "name": "x", "price": "1.234", "stock": -1, "colour": "red",
            "fitment": [{"make": "VW", "year_from": 2020, "year_to": 2010}]
        }))
        .expect("json");
        let errors = req.validate("CNY", Extra::Reject).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["/sku", "/price", "/stock", "/fitment/0/year_to", "/colour"]);
    }
}
