//! Catalog search for staff and shops (shops with their own prices), and the indexer that
//! keeps the index current.

pub mod display;
pub mod indexer;
pub mod routes;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QuerySelect};
use search_index::vehicles::Vocabulary;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::catalog::lexicon::{Lexicon, Lexicons};
use crate::catalog::numbers;
use crate::db::TenantScoped;
use crate::entities::parts;
use crate::error::{Error, FieldError, Result};
use crate::ids::{PartId, TenantId};
use crate::money::{discounted, format_price};
use crate::vehicles::{self, DecodedVin};
use display::PartView;
use indexer::Indexer;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
/// Hits reachable by paging; refine the query to see others.
pub const MAX_OFFSET: usize = search_index::TOTAL_LIMIT;
pub const QUERY_MAX_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A part number in any spelling (`04465-02061`, `0446502061`), a dealer's code (`BP-1`), a
    /// cross-reference, or a name in Chinese or English (`前刹车片`, `brake pads`), with the car
    /// in the words if wanted (`卡罗拉 前刹车片`, `brake pads corolla 2010`): the vehicle is read
    /// out of the words and ranks the parts that fit it first. A quantity typed with it
    /// (`机滤x4`) is ignored. Up to 200 characters.
    pub q: Option<String>,
    /// Only this brand.
    pub brand: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only parts that fit this make, written any way (`TOYOTA`, `丰田`, `一汽丰田`); a genuine
    /// part whose brand is the maker counts as fitting it.
    pub make: Option<String>,
    /// Only parts that fit this model family (`GOLF` finds `GOLF VII (5G1)`; `卡罗拉` is
    /// `COROLLA`); without `make`, the make is the model's where the name is known.
    pub model: Option<String>,
    /// Only parts that fit this model year.
    pub year: Option<i32>,
    /// A VIN: its maker and model year rank fitting parts first (it filters nothing).
    pub vin: Option<String>,
    /// Only parts in stock (`true`) or out of stock (`false`).
    pub in_stock: Option<bool>,
    /// Hits per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page. Pages reach the 10,000th hit; refine the query
    /// to see past it.
    pub cursor: Option<String>,
    /// `sample` (the default): the total and `facets` count up to 10,000 matches; when more
    /// match, those 10,000 are the first in the index's order, a random key per part, so a
    /// uniform sample of the matches. `exact`: every match is counted, for the total too; on a
    /// word common in a catalog of a million parts this costs 5-20 ms of CPU instead of well
    /// under one, so use it for reports, not for a search box.
    pub facets: Option<FacetCounting>,
}

/// What a search's total and facets count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FacetCounting {
    #[default]
    Sample,
    Exact,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartSummary {
    pub id: PartId,
    pub sku: String,
    pub name: String,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub unit: Option<String>,
    /// List price, exact decimal string.
    pub price: Option<String>,
    /// For shops: the list price less the shop's price level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_price: Option<String>,
    pub currency: String,
    /// Units in stock (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// Units that can still be sold: stock less what orders hold, never below 0 (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<i64>,
    /// Whether any unit is available (not held for orders).
    pub in_stock: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchedOnResponse {
    /// `sku`, `article`, `oe`, `interchange`, `supersedes`, `superseded_by`, `name`,
    /// `category`, `description`, `pinyin` (the name's reading, as `jl` for 机滤), `fitment` or
    /// `filter`.
    pub kind: String,
    /// The number or words that matched.
    pub value: String,
    /// `exact`, `prefix`, `typo` (one character off) or `text`.
    pub precision: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub part: PartSummary,
    pub score: f32,
    /// Why this part was offered.
    pub matched_on: MatchedOnResponse,
    /// The name with matched words in `<b>…</b>`.
    pub highlight: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacets {
    pub brand: Vec<FacetCount>,
    pub category: Vec<FacetCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// `number` when the query was searched as a part number, else `name`.
    pub mode: String,
    /// How many parts match: exact up to 10,000; beyond that 10,000 with
    /// `total_is_lower_bound` (unless `facets=exact` was asked).
    pub total: usize,
    /// More than `total` parts match.
    pub total_is_lower_bound: bool,
    pub hits: Vec<SearchHit>,
    /// Brand and category counts over the matches counted for `total`: every match when
    /// fewer than 10,000 match or with `facets=exact`, else a uniform sample of 10,000.
    pub facets: SearchFacets,
    /// `true` when `facets` counted every match.
    pub facets_complete: bool,
    pub next_cursor: Option<String>,
    /// The decoded `vin`, when one was given.
    pub vehicle: Option<DecodedVin>,
    /// The vehicle named by words in `q` (`卡罗拉`, `toyota corolla 2010`), taken out of the
    /// name search and used to rank fitting parts first.
    pub recognized_vehicle: Option<RecognizedVehicle>,
    /// `true` when no part fits the `make`/`model`/`year` filters: the hits are then the best
    /// matches without them, fitting parts first.
    pub fitment_relaxed: bool,
    pub warnings: Vec<String>,
}

/// A vehicle read from the query's words, in canonical form.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognizedVehicle {
    pub make: Option<String>,
    /// The model family (`COROLLA`).
    pub model: Option<String>,
    pub year: Option<i32>,
    /// The words that named it, as written.
    pub words: Vec<String>,
}

struct Validated {
    q: String,
    limit: usize,
    offset: usize,
    vehicle: Option<DecodedVin>,
    warnings: Vec<String>,
}

fn validate(params: &SearchParams, current_year: i32) -> Result<Validated> {
    let mut errors = Vec::new();
    let q = params.q.as_deref().unwrap_or_default().trim().to_owned();
    if q.chars().count() > QUERY_MAX_CHARS {
        errors.push(FieldError::new(
            "query.q",
            "too_long",
            format!("at most {QUERY_MAX_CHARS} characters"),
        ));
    }
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        errors.push(FieldError::new(
            "query.limit",
            "out_of_range",
            format!("between 1 and {MAX_LIMIT}"),
        ));
    }
    let offset = match params.cursor.as_deref() {
        None => 0,
        Some(c) => match c.parse::<usize>() {
            Ok(o) if o < MAX_OFFSET => o,
            Ok(_) => {
                errors.push(FieldError::new(
                    "query.cursor",
                    "too_deep",
                    format!("pages reach only the first {MAX_OFFSET} hits; refine the query to see others"),
                ));
                0
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "query.cursor",
                    "invalid_cursor",
                    "not a cursor this endpoint issued",
                ));
                0
            }
        },
    };
    if params.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        errors.push(FieldError::new(
            "query.year",
            "out_of_range",
            "a year between 1900 and 2100",
        ));
    }
    let mut warnings = Vec::new();
    let vehicle = match params.vin.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(vin) => match vehicles::decode(vin, current_year) {
            Ok(decoded) => {
                if !decoded.check_digit_valid {
                    warnings.push("the VIN's check digit does not match (common outside North America)".to_owned());
                }
                if decoded.make.is_none() {
                    warnings.push(format!(
                        "maker code {} is not known; the VIN was not used for ranking",
                        decoded.wmi
                    ));
                }
                Some(decoded)
            }
            Err(err) => {
                errors.push(FieldError::new("query.vin", "invalid_vin", err.to_string()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Validated {
        q,
        // The last page stops at the deepest hit.
        limit: limit.min(MAX_OFFSET - offset),
        offset,
        vehicle,
        warnings,
    })
}

/// A search's parameters, owned so that the search can run on another thread.
#[derive(Clone)]
struct IndexRequest {
    tenant: String,
    text: String,
    brand: Option<String>,
    category: Option<String>,
    make: Option<String>,
    model: Option<String>,
    year: Option<i32>,
    vehicle: Option<search_index::Vehicle>,
    vehicle_words: Vec<String>,
    in_stock: Option<bool>,
    synonyms: crate::catalog::synonyms::Groups,
    limit: usize,
    offset: usize,
    counting: search_index::Counting,
}

impl IndexRequest {
    /// The name search (numbers are looked up with [`search_index::SearchIndex::search_numbers`]).
    fn query(&self) -> search_index::SearchQuery<'_> {
        search_index::SearchQuery {
            tenant: &self.tenant,
            text: &self.text,
            number: None,
            brand: self.brand.as_deref(),
            category: self.category.as_deref(),
            make: self.make.as_deref(),
            model: self.model.as_deref(),
            year: self.year,
            vehicle: self.vehicle.clone(),
            vehicle_words: &self.vehicle_words,
            in_stock: self.in_stock,
            synonyms: &self.synonyms,
            limit: self.limit,
            offset: self.offset,
            counting: self.counting,
            names_only: false,
        }
    }
}

fn non_blank(value: &Option<String>) -> Option<String> {
    value.clone().filter(|s| !s.trim().is_empty())
}

/// Run a search for one dealer: the index finds and ranks, and each hit carries its part's
/// price and stock as of the change the index last applied (a write through the API returns
/// once its change is searchable, so a dealer never sees an older price after changing it).
/// The vehicle words recognized in a query, as the index's fitment hint.
fn vehicle_of(recognized: &search_index::vehicles::Recognized) -> Option<search_index::Vehicle> {
    Some(search_index::Vehicle {
        make: recognized.make.clone()?,
        model: recognized.model.clone(),
        year: recognized.year,
    })
}

/// A model filter as the dealer's vocabulary reads it: a name that is all vehicle (`小卡`,
/// `卡罗拉`) becomes its family; anything else is left to the index's lenient family match.
fn model_filter(vocabulary: &Vocabulary, model: String) -> String {
    let read = vocabulary.recognize(&model);
    match read.model {
        Some(family) if read.rest.trim().is_empty() => family,
        _ => model,
    }
}

pub async fn run(
    db: &DatabaseConnection,
    indexer: &Indexer,
    lexicons: &Lexicons,
    tenant: TenantId,
    params: &SearchParams,
    price_level_bp: Option<i32>,
    now: DateTime<Utc>,
) -> Result<SearchResponse> {
    let v = validate(params, now.year())?;
    let Lexicon {
        synonyms: groups,
        vehicles: vocabulary,
    } = lexicons.get(db, tenant).await?;
    // What is asked for, without a quantity typed with it (`机滤x4`).
    let parsed = crate::matching::line::parse(&v.q);
    let asked = parsed.text;
    let whole_number =
        (numbers::looks_like_number(&asked) || numbers::looks_like_code(&asked)).then(|| numbers::normalize(&asked));
    // Numbers written inside words (`机油滤清器 06H 115 403`): searched as numbers first; only
    // an exact match counts, the words around it are then just a description.
    let inner_numbers: Vec<String> = if whole_number.is_some() {
        Vec::new()
    } else {
        numbers::runs(&asked).iter().map(|n| numbers::normalize(n)).collect()
    };
    let recognized = if whole_number.is_some() {
        search_index::vehicles::Recognized::default()
    } else {
        vocabulary.recognize(&asked)
    };
    let recognized = (!recognized.is_empty() && !recognized.rest.trim().is_empty()).then_some(recognized);
    let decoded = v.vehicle.as_ref().and_then(|d| {
        Some(search_index::Vehicle {
            make: d.make.clone()?,
            model: d.model.clone(),
            year: d.model_year,
        })
    });
    let mut request = IndexRequest {
        tenant: tenant.to_string(),
        text: recognized.as_ref().map_or_else(|| asked.clone(), |r| r.rest.clone()),
        brand: non_blank(&params.brand),
        category: non_blank(&params.category),
        make: non_blank(&params.make).map(|m| vocabulary.make(&m)),
        model: non_blank(&params.model).map(|m| model_filter(&vocabulary, m)),
        year: params.year,
        vehicle: recognized.as_ref().and_then(vehicle_of).or(decoded),
        vehicle_words: recognized.as_ref().map(|r| r.words.clone()).unwrap_or_default(),
        in_stock: params.in_stock,
        synonyms: groups,
        limit: v.limit,
        offset: v.offset,
        counting: match params.facets.unwrap_or_default() {
            FacetCounting::Sample => search_index::Counting::Bounded,
            FacetCounting::Exact => search_index::Counting::Exact,
        },
    };
    let index = Arc::clone(indexer.index());
    // Taken before searching: if every announced change is searchable now, the hits show what
    // the database holds.
    let index_current = indexer.caught_up();
    // A number lookup takes tens of microseconds, less than handing it to another thread; a
    // name search over a large catalog takes milliseconds of CPU, kept off the async workers.
    let mut by_number = match whole_number.as_deref() {
        Some(key) => Some(
            index
                .search_numbers(&request.query(), key)
                .map_err(anyhow::Error::from)?,
        )
        .filter(|found| found.total > 0),
        None => None,
    };
    for key in &inner_numbers {
        if by_number.is_some() {
            break;
        }
        let found = index
            .search_numbers(&request.query(), key)
            .map_err(anyhow::Error::from)?;
        if found.hits.first().is_some_and(|h| h.matched_on.precision == "exact") {
            by_number = Some(found);
        }
    }
    // A quantity written against the number (`09864247353个`): the number without its last
    // digits, when the catalog has exactly that and not the number as written.
    let exact =
        |found: &search_index::SearchResults| found.hits.first().is_some_and(|h| h.matched_on.precision == "exact");
    if !by_number.as_ref().is_some_and(exact) {
        'readings: for glued in &parsed.glued {
            let keys = if numbers::looks_like_number(&glued.text) || numbers::looks_like_code(&glued.text) {
                vec![numbers::normalize(&glued.text)]
            } else {
                numbers::runs(&glued.text)
                    .iter()
                    .map(|n| numbers::normalize(n))
                    .collect()
            };
            for key in keys {
                let found = index
                    .search_numbers(&request.query(), &key)
                    .map_err(anyhow::Error::from)?;
                if exact(&found) {
                    by_number = Some(found);
                    break 'readings;
                }
            }
        }
    }
    let read_as_number = whole_number.is_some();
    let number = whole_number.or_else(|| by_number.as_ref().map(|_| String::new()));
    let mut fitment_relaxed = false;
    let results = match by_number {
        Some(found) => found,
        None => {
            // No number after all: a quantity glued to a vehicle or a word (`camry6个`) is a quantity.
            if let Some(reading) = crate::matching::word_reading(&parsed.glued, &vocabulary).map(|i| &parsed.glued[i]) {
                let late = vocabulary.recognize(&reading.text);
                if late.is_empty() || late.rest.trim().is_empty() {
                    request.text.clone_from(&reading.text);
                } else {
                    request.vehicle = vehicle_of(&late).or(request.vehicle.take());
                    request.text = late.rest;
                    request.vehicle_words = late.words;
                }
            } else if read_as_number {
                // No number after all (`RAV4 hhs`): read for a vehicle, as any other words.
                let late = vocabulary.recognize(&asked);
                if !late.is_empty() && !late.rest.trim().is_empty() {
                    request.vehicle = vehicle_of(&late).or(request.vehicle.take());
                    request.text = late.rest;
                    request.vehicle_words = late.words;
                }
            }
            let request_now = Arc::new(request.clone());
            let index_now = Arc::clone(&index);
            let found = tokio::task::spawn_blocking(move || index_now.search(&request_now.query()))
                .await
                .map_err(anyhow::Error::from)?
                .map_err(anyhow::Error::from)?;
            let filtered_by_vehicle = request.make.is_some() || request.model.is_some() || request.year.is_some();
            if found.total == 0 && filtered_by_vehicle {
                // Nothing fits: say so, and show the best matches with the vehicle as a hint.
                fitment_relaxed = true;
                let model = request.model.take();
                let year = request.year.take();
                let make = request.make.take().or_else(|| {
                    model
                        .as_deref()
                        .and_then(|m| vocabulary.make_of_model(m))
                        .map(str::to_owned)
                });
                if let Some(make) = make {
                    request.vehicle = Some(search_index::Vehicle { make, model, year });
                }
                let request = Arc::new(request);
                tokio::task::spawn_blocking(move || index.search(&request.query()))
                    .await
                    .map_err(anyhow::Error::from)?
                    .map_err(anyhow::Error::from)?
            } else {
                found
            }
        }
    };
    let mode = if results
        .hits
        .first()
        .is_some_and(|h| h.matched_on.precision != "text" && number.is_some())
    {
        "number"
    } else {
        "name"
    };

    // Each hit carries what it shows, as indexed. While the index is behind a write (a large
    // import in progress, or a failing indexer), or for a part indexed without it, what a hit
    // shows is read from the database instead.
    let mut shown: HashMap<PartId, PartView> = HashMap::new();
    let mut unshown: Vec<PartId> = Vec::new();
    for hit in &results.hits {
        let Ok(id) = hit.part_id.parse::<PartId>() else {
            continue;
        };
        match PartView::decode(hit.display.as_deref()).filter(|_| index_current) {
            Some(display) => {
                shown.insert(id, display);
            }
            None => unshown.push(id),
        }
    }
    if !unshown.is_empty() {
        let found = parts::Entity::scoped(tenant)
            .filter(parts::Column::Id.is_in(unshown))
            .filter(parts::Column::Active.eq(true))
            .all(db)
            .await?;
        shown.extend(found.into_iter().map(|p| (p.id, PartView::from(p))));
    }
    // Reservations change with every order, so stock and reservations are read now, not as
    // indexed.
    let mut held: HashMap<PartId, (i64, i64)> = HashMap::new();
    let ids: Vec<PartId> = shown.keys().copied().collect();
    for chunk in ids.chunks(500) {
        let found: Vec<(PartId, i64, i64)> = parts::Entity::scoped(tenant)
            .select_only()
            .columns([parts::Column::Id, parts::Column::Stock, parts::Column::Reserved])
            .filter(parts::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        held.extend(found.into_iter().map(|(id, stock, reserved)| (id, (stock, reserved))));
    }
    let hits: Vec<SearchHit> = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let id: PartId = hit.part_id.parse().ok()?;
            let part = shown.get(&id)?;
            let (stock, reserved) = held.get(&id).copied().unwrap_or((part.stock, 0));
            let available = parts::available(stock, reserved);
            Some(SearchHit {
                part: PartSummary {
                    id,
                    sku: part.sku.clone(),
                    name: part.name.clone(),
                    brand: part.brand.clone(),
                    category: part.category.clone(),
                    unit: part.unit.clone(),
                    price: part.price_minor.map(format_price),
                    your_price: price_level_bp.and_then(|bp| Some(format_price(discounted(part.price_minor?, bp)))),
                    currency: part.currency.clone(),
                    stock: price_level_bp.is_none().then_some(stock),
                    available: price_level_bp.is_none().then_some(available),
                    in_stock: available > 0,
                },
                score: hit.score,
                matched_on: MatchedOnResponse {
                    kind: serde_json::to_value(hit.matched_on.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    value: hit.matched_on.value,
                    precision: hit.matched_on.precision.to_owned(),
                },
                highlight: hit.highlight,
            })
        })
        .collect();
    let next = v.offset + v.limit;
    let facet = |list: Vec<(String, u64)>| {
        list.into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect()
    };
    Ok(SearchResponse {
        mode: mode.to_owned(),
        total: results.total,
        total_is_lower_bound: results.total_is_lower_bound,
        hits,
        facets: SearchFacets {
            brand: facet(results.facets.brand),
            category: facet(results.facets.category),
        },
        facets_complete: results.facets_complete,
        next_cursor: (next < results.total.min(MAX_OFFSET)).then(|| next.to_string()),
        vehicle: v.vehicle,
        recognized_vehicle: recognized.map(|r| RecognizedVehicle {
            make: r.make,
            model: r.model,
            year: r.year,
            words: r.words,
        }),
        fitment_relaxed,
        warnings: v.warnings,
    })
}
