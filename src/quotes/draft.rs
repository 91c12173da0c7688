//! Drafting a quote from matched lines: pure pricing and stock rules, no I/O.

use crate::entities::Confidence;
pub use crate::entities::LineStatus;
use crate::matching::{Candidate, LineMatch};
use crate::money::discounted;

/// Options per quote line: the proposal and up to two alternatives.
pub const OPTIONS_PER_LINE_MAX: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct DraftOption {
    pub candidate: Candidate,
    pub list_price_minor: i64,
    pub unit_price_minor: i64,
    pub quantity: i32,
    pub backorder_quantity: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DraftLine {
    pub status: LineStatus,
    pub confidence: Confidence,
    pub requested_quantity: i32,
    pub options: Vec<DraftOption>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub lines: Vec<DraftLine>,
    /// Every line is confident, offered and in stock for the full quantity: nothing for a
    /// person to decide.
    pub ready_to_send: bool,
}

/// Ships what stock allows now; the rest is backorder.
pub fn split_stock(requested: i32, stock: i64) -> (i32, i32) {
    let available = i32::try_from(stock.max(0)).unwrap_or(i32::MAX);
    let now = requested.min(available);
    (now, requested - now)
}

fn price_option(candidate: &Candidate, requested: i32, price_level_bp: i32) -> Option<DraftOption> {
    let list = candidate.list_price_minor?;
    let (quantity, backorder_quantity) = split_stock(requested, candidate.stock);
    Some(DraftOption {
        candidate: candidate.clone(),
        list_price_minor: list,
        unit_price_minor: discounted(list, price_level_bp),
        quantity,
        backorder_quantity,
    })
}

/// One quote line per inquiry line: the best candidate with a price, priced for the customer
/// and capped at stock, plus confident alternatives (another brand's equivalent, say).
pub fn draft(lines: &[(i32, &LineMatch)], price_level_bp: i32) -> Draft {
    let lines: Vec<DraftLine> = lines
        .iter()
        .map(|(requested, matched)| {
            let mut options: Vec<DraftOption> = Vec::new();
            let mut unpriced = false;
            // A part the dealer found wrong for lines like this one is never proposed.
            let candidates = matched.candidates.iter().filter(|c| c.demoted_reason.is_none());
            for (rank, candidate) in candidates.enumerate() {
                // The first candidate is the proposal; later ones only as confident alternatives.
                if rank > 0 && (!candidate.confidence.is_confident() || options.is_empty()) {
                    continue;
                }
                match price_option(candidate, *requested, price_level_bp) {
                    Some(option) => options.push(option),
                    None => unpriced |= rank == 0,
                }
                if options.len() == OPTIONS_PER_LINE_MAX {
                    break;
                }
            }
            let confidence = options.first().map_or(matched.confidence, |o| o.candidate.confidence);
            DraftLine {
                status: if options.is_empty() {
                    LineStatus::NoOffer
                } else {
                    LineStatus::Offered
                },
                confidence,
                requested_quantity: *requested,
                options,
                note: unpriced.then(|| "the best match has no list price".to_owned()),
            }
        })
        .collect();
    let ready_to_send = !lines.is_empty()
        && lines.iter().all(|l| {
            l.status == LineStatus::Offered
                && l.confidence.is_confident()
                && l.options.first().is_some_and(|o| o.backorder_quantity == 0)
        });
    Draft { lines, ready_to_send }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PartId;

    fn candidate(confidence: Confidence, price: Option<i64>, stock: i64) -> Candidate {
        Candidate {
            part_id: PartId::generate(),
            sku: "BP-0986424735".into(),
            name: "刹车片(前)".into(),
            brand: Some("BOSCH".into()),
            score: 1.0,
            confidence,
            matched_on: "oe".into(),
            matched_value: "04465-02061".into(),
            precision: "exact".into(),
            fits_vehicle: None,
            reason: String::new(),
            list_price: None,
            list_price_minor: price,
            stock,
            in_stock: stock > 0,
            confirmed_count: None,
            demoted_reason: None,
        }
    }

    fn matched(candidates: Vec<Candidate>) -> LineMatch {
        LineMatch {
            confidence: candidates.first().map_or(Confidence::None, |c| c.confidence),
            candidates,
            key: Default::default(),
            glued: None,
        }
    }

    #[test]
    fn prices_for_the_customer_and_caps_at_stock() {
        let line = matched(vec![candidate(Confidence::Exact, Some(26_800), 3)]);
        let d = draft(&[(5, &line)], 1_250);
        let option = &d.lines[0].options[0];
        assert_eq!(option.unit_price_minor, 23_450);
        assert_eq!((option.quantity, option.backorder_quantity), (3, 2));
        assert!(!d.ready_to_send, "a backorder needs a person");
    }

    #[test]
    fn confident_in_stock_lines_are_ready_to_send() {
        let a = matched(vec![
            candidate(Confidence::Exact, Some(100), 10),
            candidate(Confidence::High, Some(90), 10),
            candidate(Confidence::Low, Some(80), 10),
        ]);
        let d = draft(&[(2, &a)], 0);
        assert!(d.ready_to_send);
        assert_eq!(
            d.lines[0].options.len(),
            2,
            "low-confidence candidates are not alternatives"
        );
    }

    #[test]
    fn no_candidate_or_no_price_is_no_offer() {
        let none = matched(vec![]);
        let unpriced = matched(vec![candidate(Confidence::Exact, None, 5)]);
        let low = matched(vec![candidate(Confidence::Low, Some(100), 5)]);
        let d = draft(&[(1, &none), (1, &unpriced), (1, &low)], 0);
        assert_eq!(d.lines[0].status, LineStatus::NoOffer);
        assert_eq!(d.lines[1].status, LineStatus::NoOffer);
        assert!(d.lines[1].note.is_some());
        assert_eq!(d.lines[2].status, LineStatus::Offered);
        assert!(!d.ready_to_send);
    }
}
