//! `partsdesk bench quality --memory`: what the dealer's match memory does to the auto-match
//! rate, on the same probes.
//!
//! The probes are grouped by the key the memory would file them under (the same words,
//! numbers and vehicle, written any way). A seeded half of the groups appears in a history:
//! one probe of the group, as written, arrives in an inquiry from a shop and goes through the
//! real services (received and matched, drafted, reviewed and sent by the dealer's owner):
//!
//! - the draft proposes a right part: staff send it as it is, which teaches nothing; or, for
//!   a seeded half of the lines with another right part (the maker's part and an aftermarket
//!   one), the dealer prefers the other and staff re-point the line to it;
//! - it proposes a wrong part with confidence: quoted without review, it goes out unchanged
//!   and comes back as a `wrong_part` return ([`memory::record_mismatch`] on that inquiry
//!   line); the groups of such probes are always in the history, as they are rare;
//! - otherwise staff re-point the line to a right part (one of its candidates if there is
//!   one, else from the catalog) and send it; for a seeded half of these the same line comes
//!   again with another quantity, and staff send what the draft now proposes (counted twice;
//!   the same for the preferred parts).
//!
//! Every probe, and each history line written with another quantity, is matched before the
//! history (empty memory) and after it, and the figures are printed side by side per fate of
//! its group: the text the memory learned from ("same text"), the same line with a quantity
//! written in ("other quantity"), and the group's other probes, which never were in the
//! history ("other spellings": the claim that the memory reads a line however it is written).
//! Besides auto right, hit@1 and wrong auto-quotes, "chosen first" is the share of lines whose
//! proposal is the part staff chose for the group.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;

use super::{Probe, Score};
use crate::auth::{Actor, Shop};
use crate::catalog::lexicon::Lexicon;
use crate::clock::Clock;
use crate::db::TenantScoped;
use crate::entities::parts;
use crate::http::AppState;
use crate::ids::PartId;
use crate::matching::memory::{self, MemorySource, MismatchOf, MismatchReason};
use crate::matching::{Candidate, LineQuery, VehicleHint};
use crate::quotes::{FullQuote, review};

/// Share of the key groups that appear in the history.
const IN_HISTORY: f64 = 0.5;
/// Share of the re-pointed lines that come again (and are sent as the memory proposes them).
const AGAIN: f64 = 0.5;
/// Share of the lines proposed right, with another right part, that staff re-point to it.
const PREFERRED: f64 = 0.5;

/// The bench dealer, its owner and its words.
pub(super) struct Dealer<'a> {
    pub state: &'a AppState,
    pub clock: &'a Arc<dyn Clock>,
    pub owner: Actor,
    pub lexicon: &'a Lexicon,
    pub seed: u64,
}

/// What became of a group's line in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    /// A wrong proposal re-pointed by staff and sent once.
    Once,
    /// Re-pointed, then sent again as the memory proposed it.
    Twice,
    /// A right proposal re-pointed to another right part the dealer prefers, sent once.
    PreferredOnce,
    /// The same, then sent again as the memory proposed it.
    PreferredTwice,
    /// Sent as the matcher proposed it (wrong, with confidence) and returned as `wrong_part`.
    Returned,
    /// Sent as the matcher proposed it (right): nothing learned.
    Proposed,
    /// Not in the history.
    Absent,
}

impl Fate {
    fn label(self) -> &'static str {
        match self {
            Self::Once => "wrong, re-pointed by staff, sent 1x",
            Self::Twice => "wrong, re-pointed, sent 2x",
            Self::PreferredOnce => "right, re-pointed to another, 1x",
            Self::PreferredTwice => "right, re-pointed to another, 2x",
            Self::Returned => "sent, returned as wrong_part",
            Self::Proposed => "sent as proposed (nothing learned)",
            Self::Absent => "not in the history",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Spelling {
    SameText,
    OtherQuantity,
    OtherSpellings,
}

impl Spelling {
    fn label(self) -> &'static str {
        match self {
            Self::SameText => "same text",
            Self::OtherQuantity => "other quantity",
            Self::OtherSpellings => "other spellings",
        }
    }
}

/// A line matched before and after: a probe, or a history line with a quantity written in.
struct Line {
    probe: usize,
    text: String,
    /// One of the probes (not a line made up here).
    is_probe: bool,
}

/// What the matcher proposes for a line: right or not, and whether it would be quoted
/// without a person (the first candidate that is not demoted, as the draft proposes it).
#[derive(Debug, Clone, Default)]
struct Outcome {
    first: Option<String>,
    right: bool,
    confident: bool,
}

#[derive(Default)]
struct Tally {
    n: usize,
    /// Auto-quotable with the right part, hit@1, auto-quotable with a wrong part, the part
    /// staff chose first.
    before: [usize; 4],
    after: [usize; 4],
    /// Whether staff chose a part for these lines.
    chosen: bool,
}

impl Tally {
    fn add(&mut self, before: &Outcome, after: &Outcome, chosen: Option<&str>) {
        self.n += 1;
        self.chosen |= chosen.is_some();
        for (counts, o) in [(&mut self.before, before), (&mut self.after, after)] {
            counts[0] += usize::from(o.right && o.confident);
            counts[1] += usize::from(o.right);
            counts[2] += usize::from(!o.right && o.confident);
            counts[3] += usize::from(chosen.is_some() && o.first.as_deref() == chosen);
        }
    }
}

/// What the history did, to print beside the figures.
#[derive(Default)]
struct History {
    inquiries: usize,
    repointed: usize,
    preferred: usize,
    again: usize,
    /// Lines that came again whose draft proposed the remembered part first.
    again_proposed: usize,
    returned: usize,
    proposed: usize,
    /// History lines the inquiry stored under another key than the probe's.
    other_key: usize,
}

fn hint(probe: &Probe) -> VehicleHint {
    VehicleHint {
        make: probe.vehicle.as_ref().map(|(make, _)| make.clone()),
        model: probe.vehicle.as_ref().map(|(_, model)| model.clone()),
        ..VehicleHint::default()
    }
}

fn query(text: &str) -> LineQuery {
    LineQuery {
        text: text.to_owned(),
        part_number: None,
        brand: None,
    }
}

/// Kinds of probes that already carry a quantity in their text.
const WITH_QUANTITY: &[&str] = &["quantity glued to the words", "OE number inside words"];

/// The line written with a quantity, as shops append one.
fn with_quantity(text: &str, rng: &mut StdRng) -> String {
    let q = rng.random_range(2..10);
    match rng.random_range(0..4) {
        0 => format!("{text} x{q}"),
        1 => format!("{text}{q}个"),
        2 => format!("{text} *{q}"),
        _ => format!("{text} {q}套"),
    }
}

pub(super) async fn bench(dealer: &Dealer<'_>, probes: &[Probe]) -> anyhow::Result<()> {
    let db = &dealer.state.db;
    let tenant = dealer.owner.tenant;
    let mut rng = StdRng::seed_from_u64(dealer.seed ^ 0x6d65_6d6f_7279);

    // Group the probes by the key the memory files them under.
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut keyless = 0usize;
    for (i, probe) in probes.iter().enumerate() {
        let key = memory::key_of(&query(&probe.text), &hint(probe), dealer.lexicon);
        if key.is_empty() {
            keyless += 1;
            continue;
        }
        groups.entry((key.line, key.vehicle)).or_default().push(i);
    }
    // The history's lines: one probe of a seeded share of the groups, as written.
    struct Planned {
        probe: usize,
        again: bool,
        preferred: bool,
        quantity: Option<usize>,
    }
    let mut planned = Vec::new();
    let mut lines: Vec<Line> = (0..probes.len())
        .map(|probe| Line {
            probe,
            text: probes[probe].text.clone(),
            is_probe: true,
        })
        .collect();
    let mut before = replay(dealer, probes, &lines).await?;
    let mut same_key = 0usize;
    for ((key_line, key_vehicle), members) in &groups {
        let chosen = rng.random_bool(IN_HISTORY);
        let written = members.choose(&mut rng).copied().unwrap_or_default();
        // A confidently wrong line was quoted without review: it will come back.
        let wrong = members
            .iter()
            .copied()
            .find(|&m| !before[m].right && before[m].confident);
        let (chosen, written) = (chosen || wrong.is_some(), wrong.unwrap_or(written));
        let again = rng.random_bool(AGAIN);
        let preferred = rng.random_bool(PREFERRED);
        let variant = with_quantity(&probes[written].text, &mut rng);
        if !chosen {
            continue;
        }
        let quantity = (!WITH_QUANTITY.contains(&probes[written].kind)).then(|| {
            let key = memory::key_of(&query(&variant), &hint(&probes[written]), dealer.lexicon);
            same_key += usize::from(&key.line == key_line && &key.vehicle == key_vehicle);
            lines.push(Line {
                probe: written,
                text: variant,
                is_probe: false,
            });
            lines.len() - 1
        });
        planned.push(Planned {
            probe: written,
            again,
            preferred,
            quantity,
        });
    }

    before.extend(replay(dealer, probes, &lines[probes.len()..]).await?);

    // The history, through the services the API calls.
    let skus: HashMap<String, PartId> = parts::Entity::scoped(tenant)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.sku, p.id))
        .collect();
    let shop = shop(dealer).await?;
    let mut history = History::default();
    let mut fates: HashMap<usize, Fate> = HashMap::new();
    let mut chosen: HashMap<usize, String> = HashMap::new();
    let mut at = dealer.clock.now();
    for plan in &planned {
        let probe = &probes[plan.probe];
        at += Duration::minutes(7);
        let (full, line) = receive(dealer, &shop, probe, 1 + history.inquiries % 4, &mut history, at).await?;
        // Staff review it a few minutes after it arrived.
        let reviewed = at + Duration::minutes(5);
        let proposed = full.option(line, 0);
        let right = proposed.is_some_and(|o| probe.right.contains(&o.sku));
        let confident = full
            .lines
            .iter()
            .find(|l| l.id == line)
            .is_some_and(|l| l.confidence.is_confident());
        let other_right = || right_part(&full, line, probe, &skus, proposed.map(|o| o.sku.as_str()));
        let fate = if right {
            match other_right() {
                Ok(_) if plan.preferred && plan.again => Fate::PreferredTwice,
                Ok(_) if plan.preferred => Fate::PreferredOnce,
                _ => Fate::Proposed,
            }
        } else if proposed.is_some() && confident {
            Fate::Returned
        } else if plan.again {
            Fate::Twice
        } else {
            Fate::Once
        };
        match fate {
            Fate::Proposed => {
                send(dealer, &full, reviewed).await?;
                history.proposed += 1;
            }
            Fate::Returned => {
                let sent = send(dealer, &full, reviewed).await?;
                let option = sent.option(line, 0).context("the sent line has no option")?;
                let asked = sent.lines.iter().find(|l| l.id == line).context("the line is gone")?;
                memory::record_mismatch(
                    db,
                    dealer.lexicon,
                    tenant,
                    MismatchOf::Line(asked.inquiry_line_id),
                    option.part_id,
                    MismatchReason::WrongPart,
                    MemorySource::Return,
                    None,
                    at + Duration::days(2),
                )
                .await
                .map_err(|e| anyhow::anyhow!("recording a return of {:?}: {e}", probe.text))?;
                history.returned += 1;
            }
            Fate::Once | Fate::Twice | Fate::PreferredOnce | Fate::PreferredTwice => {
                let (sku, part) = other_right()?;
                repoint_and_send(dealer, &full, line, part, reviewed).await?;
                if matches!(fate, Fate::Once | Fate::Twice) {
                    history.repointed += 1;
                } else {
                    history.preferred += 1;
                }
                chosen.insert(plan.probe, sku);
                if matches!(fate, Fate::Twice | Fate::PreferredTwice) {
                    at += Duration::days(3);
                    let (full, line) =
                        receive(dealer, &shop, probe, 2 + history.inquiries % 5, &mut history, at).await?;
                    history.again += 1;
                    let reviewed = at + Duration::minutes(5);
                    if full.option(line, 0).is_some_and(|o| o.part_id == part) {
                        history.again_proposed += 1;
                        send(dealer, &full, reviewed).await?;
                    } else {
                        repoint_and_send(dealer, &full, line, part, reviewed).await?;
                    }
                }
            }
            Fate::Absent => {}
        }
        fates.insert(plan.probe, fate);
    }
    let entries = memory::count(db, tenant).await?;

    let after = replay(dealer, probes, &lines).await?;

    // Rows: each line by its group's fate and how it relates to the history's text.
    let quantity_lines: HashSet<usize> = planned.iter().filter_map(|p| p.quantity).collect();
    // Each probe's group's line in the history (the written probe), if any.
    let mut written_of: HashMap<usize, usize> = HashMap::new();
    for members in groups.values() {
        if let Some(&written) = members.iter().find(|m| fates.contains_key(m)) {
            for &m in members {
                written_of.insert(m, written);
            }
        }
    }
    let mut rows: BTreeMap<(Fate, Spelling), Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for (i, line) in lines.iter().enumerate() {
        let written = written_of.get(&line.probe).copied();
        let fate = written.and_then(|w| fates.get(&w)).copied().unwrap_or(Fate::Absent);
        let spelling = if quantity_lines.contains(&i) {
            Spelling::OtherQuantity
        } else if fates.contains_key(&line.probe) || fate == Fate::Absent {
            Spelling::SameText
        } else {
            Spelling::OtherSpellings
        };
        let part = written.and_then(|w| chosen.get(&w)).map(String::as_str);
        rows.entry((fate, spelling))
            .or_default()
            .add(&before[i], &after[i], part);
        if line.is_probe {
            all.add(&before[i], &after[i], None);
        }
    }

    println!(
        "\nmatch memory: a seeded history of {} inquiries (one line each) reviewed and sent by the owner",
        history.inquiries
    );
    println!(
        "  {} wrong lines and {} right ones re-pointed by staff ({} came again: the remembered part proposed first {} times), \
         {} sent and returned as wrong_part, {} sent as proposed; {} memory entries",
        history.repointed,
        history.preferred,
        history.again,
        history.again_proposed,
        history.returned,
        history.proposed,
        entries
    );
    println!(
        "  {} key groups over {} probes ({} without a key), {} in the history; {} history lines made up with a quantity \
         written in, {} of them under the same key",
        groups.len(),
        probes.len(),
        keyless,
        planned.len(),
        quantity_lines.len(),
        same_key
    );
    if history.other_key > 0 {
        println!(
            "  warning: {} history lines were stored under another key than the probe's",
            history.other_key
        );
    }
    println!(
        "  auto = the proposal is exact or high (quoted without review); auto right = auto and right; wrong auto = auto and wrong;"
    );
    println!("  chosen first = the proposal is the part staff chose for the line's group; 2x = sent twice");
    println!(
        "\n  {:<34} {:<15} {:>5}   {:>14}   {:>14}   {:>10}   {:>14}",
        "lines of groups", "written as", "n", "auto right", "hit@1", "wrong auto", "chosen first"
    );
    println!(
        "  {:<34} {:<15} {:>5}   {:>5} -> {:<5}   {:>5} -> {:<5}   {:>3} -> {:<3}   {:>5} -> {:<5}",
        "", "", "", "before", "after", "before", "after", "", "", "before", "after"
    );
    let print = |label: &str, spelling: &str, t: &Tally| {
        let chosen = if t.chosen {
            format!(
                "{:>5.3} -> {:<5.3}",
                Score::rate(t.before[3], t.n),
                Score::rate(t.after[3], t.n)
            )
        } else {
            format!("{:>5} -> {:<5}", "-", "-")
        };
        println!(
            "  {:<34} {:<15} {:>5}   {:>5.3} -> {:<5.3}   {:>5.3} -> {:<5.3}   {:>3} -> {:<3}   {}",
            label,
            spelling,
            t.n,
            Score::rate(t.before[0], t.n),
            Score::rate(t.after[0], t.n),
            Score::rate(t.before[1], t.n),
            Score::rate(t.after[1], t.n),
            t.before[2],
            t.after[2],
            chosen
        );
    };
    let mut last = None;
    for ((fate, spelling), tally) in &rows {
        let label = if last == Some(*fate) { "" } else { fate.label() };
        let spelling = if *fate == Fate::Absent { "any" } else { spelling.label() };
        print(label, spelling, tally);
        last = Some(*fate);
    }
    print("all probes", "as written", &all);
    Ok(())
}

/// Matches every line alone, as an inquiry of one line for the probe's vehicle.
async fn replay(dealer: &Dealer<'_>, probes: &[Probe], lines: &[Line]) -> anyhow::Result<Vec<Outcome>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let probe = &probes[line.probe];
        let matched = crate::matching::match_lines(
            &dealer.state.db,
            Arc::clone(dealer.state.indexer.index()),
            dealer.owner.tenant,
            vec![query(&line.text)],
            hint(probe),
            dealer.lexicon,
        )
        .await
        .map_err(|e| anyhow::anyhow!("match {:?}: {e}", line.text))?;
        let proposal = matched
            .first()
            .and_then(|m| m.candidates.iter().find(|c| c.demoted_reason.is_none()));
        out.push(Outcome {
            first: proposal.map(|c| c.sku.clone()),
            right: proposal.is_some_and(|c| probe.right.contains(&c.sku)),
            confident: proposal.is_some_and(|c| c.confidence.is_confident()),
        });
    }
    Ok(out)
}

/// A repair shop with an API key, added by the owner.
async fn shop(dealer: &Dealer<'_>) -> anyhow::Result<Shop> {
    let db = &dealer.state.db;
    let now = dealer.clock.now();
    let customer = crate::customers::create(
        db,
        dealer.owner,
        serde_json::from_value(json!({ "name": "老王汽修厂", "contact_name": "王师傅" }))?,
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("adding a customer: {e}"))?;
    let key = crate::api_keys::create(
        db,
        dealer.owner,
        customer.id,
        serde_json::from_value(json!({ "name": "询价小程序" }))?,
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("issuing an API key: {e}"))?;
    Ok(Shop {
        tenant: dealer.owner.tenant,
        key_id: key.key.id,
        customer,
    })
}

/// The shop sends the probe's line; returns the draft and its quote line.
async fn receive(
    dealer: &Dealer<'_>,
    shop: &Shop,
    probe: &Probe,
    quantity: usize,
    history: &mut History,
    at: DateTime<Utc>,
) -> anyhow::Result<(FullQuote, crate::ids::QuoteLineId)> {
    let vehicle = probe
        .vehicle
        .as_ref()
        .map(|(make, model)| json!({ "make": make, "model": model }));
    let request: crate::inquiries::CreateInquiryRequest = serde_json::from_value(json!({
        "vehicle": vehicle,
        "lines": [{ "text": probe.text, "quantity": quantity }],
    }))?;
    history.inquiries += 1;
    let key = crate::idempotency::Request::new(Some(format!("memory-{}", history.inquiries).as_bytes()), &request)
        .map_err(|e| anyhow::anyhow!("an idempotency key: {e}"))?;
    let input = crate::inquiries::validate(&request, at, &dealer.lexicon.vehicles)
        .map_err(|e| anyhow::anyhow!("inquiry {:?}: {e}", probe.text))?;
    let received = crate::inquiries::receive(
        &dealer.state.db,
        dealer.state.indexer.index(),
        dealer.lexicon,
        shop,
        key,
        input,
        at,
    )
    .await
    .map_err(|e| anyhow::anyhow!("receiving {:?}: {e}", probe.text))?;
    let response: crate::inquiries::ShopInquiryResponse = serde_json::from_str(&received.stored.body)?;
    let full = crate::quotes::load_for_inquiry(&dealer.state.db, dealer.owner.tenant, response.id)
        .await
        .map_err(|e| anyhow::anyhow!("loading a draft: {e}"))?;
    let line = full.lines.first().context("a draft without lines")?;
    let expected = memory::key_of(&query(&probe.text), &hint(probe), dealer.lexicon);
    let stored = full.asked.get(&line.inquiry_line_id);
    if stored.is_none_or(|l| {
        l.line_key.as_deref() != Some(expected.line.as_str())
            || l.vehicle_key.as_deref() != Some(expected.vehicle.as_str())
    }) {
        history.other_key += 1;
    }
    let id = line.id;
    Ok((full, id))
}

/// The part staff pick: the first right candidate the matcher offered (other than `not`),
/// else a right part from the catalog.
fn right_part(
    full: &FullQuote,
    line: crate::ids::QuoteLineId,
    probe: &Probe,
    skus: &HashMap<String, PartId>,
    not: Option<&str>,
) -> anyhow::Result<(String, PartId)> {
    let candidates: Vec<Candidate> = full
        .lines
        .iter()
        .find(|l| l.id == line)
        .and_then(|l| full.asked.get(&l.inquiry_line_id))
        .and_then(|asked| serde_json::from_value(asked.candidates.clone()).ok())
        .unwrap_or_default();
    let wanted = |sku: &str| probe.right.contains(sku) && Some(sku) != not;
    if let Some(c) = candidates.iter().find(|c| wanted(&c.sku)) {
        return Ok((c.sku.clone(), c.part_id));
    }
    let mut right: Vec<&String> = probe.right.iter().filter(|s| wanted(s)).collect();
    right.sort();
    right
        .first()
        .and_then(|sku| Some(((*sku).clone(), *skus.get(*sku)?)))
        .with_context(|| format!("no other right part for {:?} in the catalog", probe.text))
}

async fn repoint_and_send(
    dealer: &Dealer<'_>,
    full: &FullQuote,
    line: crate::ids::QuoteLineId,
    part: PartId,
    at: DateTime<Utc>,
) -> anyhow::Result<FullQuote> {
    let body = serde_json::from_value(json!({ "lines": [{ "id": line, "options": [{ "part_id": part }] }] }))?;
    let edited = review::edit(
        &dealer.state.db,
        dealer.owner,
        full.quote.id,
        body,
        at - Duration::seconds(90),
    )
    .await
    .map_err(|e| anyhow::anyhow!("re-pointing a line: {e}"))?;
    send(dealer, &edited, at).await
}

async fn send(dealer: &Dealer<'_>, full: &FullQuote, at: DateTime<Utc>) -> anyhow::Result<FullQuote> {
    review::send(&dealer.state.db, dealer.owner, full.quote.id, at)
        .await
        .map_err(|e| anyhow::anyhow!("sending a quote: {e}"))
}
