use super::*;

fn num(kind: NumberKind, raw: &str) -> NumberEntry {
    NumberEntry {
        kind,
        normalized: raw
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        raw: raw.to_owned(),
    }
}

fn part(tenant: &str, id: &str, brand: &str, name: &str, category: &str, numbers: Vec<NumberEntry>) -> PartDoc {
    PartDoc {
        tenant: tenant.into(),
        part_id: id.into(),
        brand: Some(brand.into()),
        category: Some(category.into()),
        name: name.into(),
        description: None,
        numbers,
        fitments: Vec::new(),
        in_stock: true,
        display: None,
    }
}

fn catalog() -> SearchIndex {
    use NumberKind::*;
    let index = SearchIndex::in_memory().expect("index");
    let corolla = FitmentEntry {
        make: "Toyota".into(),
        model: Some("Corolla".into()),
        year_from: Some(2003),
        year_to: Some(2008),
        engine: Some("1ZZ-FE".into()),
    };
    let sagitar = FitmentEntry {
        make: "Volkswagen".into(),
        model: Some("Sagitar".into()),
        year_from: Some(2019),
        year_to: Some(2023),
        engine: None,
    };
    let mut bosch_pads = part(
        "ten_a",
        "p1",
        "BOSCH",
        "刹车片(前) Front Brake Pads",
        "刹车系统",
        vec![
            num(Sku, "BP-001"),
            num(Article, "0 986 424 735"),
            num(Oe, "04465-02061"),
            num(Interchange, "GDB3287"),
        ],
    );
    bosch_pads.fitments = vec![corolla.clone()];
    let mut trw_pads = part(
        "ten_a",
        "p2",
        "TRW",
        "前刹车片",
        "刹车系统",
        vec![num(Sku, "TRW-3287"), num(Article, "GDB3287")],
    );
    trw_pads.fitments = vec![corolla];
    trw_pads.in_stock = false;
    let mut disc = part(
        "ten_a",
        "p3",
        "BREMBO",
        "刹车盘(前)",
        "刹车系统",
        vec![num(Sku, "BR-09"), num(Article, "09.A820.11")],
    );
    disc.fitments = vec![sagitar.clone()];
    let old_filter = part(
        "ten_a",
        "p4",
        "VW",
        "机油滤清器",
        "滤清器",
        vec![
            num(Sku, "VW-OLD"),
            num(Article, "06J 115 403"),
            num(SupersededBy, "06J 115 403 C"),
        ],
    );
    let mid_filter = part(
        "ten_a",
        "p5",
        "VW",
        "机油滤清器",
        "滤清器",
        vec![
            num(Sku, "VW-MID"),
            num(Article, "06J 115 403 C"),
            num(SupersededBy, "06J 115 403 Q"),
        ],
    );
    let mut new_filter = part(
        "ten_a",
        "p6",
        "VW",
        "机油格 Oil Filter",
        "滤清器",
        vec![
            num(Sku, "VW-NEW"),
            num(Article, "06J 115 403 Q"),
            num(Supersedes, "06J 115 403 C"),
        ],
    );
    new_filter.fitments = vec![sagitar];
    let mann = part(
        "ten_a",
        "p7",
        "MANN-FILTER",
        "机滤 W 712/75",
        "滤清器",
        vec![num(Sku, "MF-71275"), num(Article, "W 712/75")],
    );
    // Tenant B carries the very same part numbers.
    let foreign = part(
        "ten_b",
        "q1",
        "BOSCH",
        "刹车片(前)",
        "刹车系统",
        vec![num(Sku, "BP-001"), num(Article, "0 986 424 735")],
    );
    let docs = [
        bosch_pads, trw_pads, disc, old_filter, mid_filter, new_filter, mann, foreign,
    ];
    index.apply(docs.into_iter().map(Change::Upsert), 8).expect("apply");
    index
}

fn query<'a>(text: &'a str, number: Option<&'a str>) -> SearchQuery<'a> {
    SearchQuery {
        tenant: "ten_a",
        text,
        number,
        limit: 20,
        ..Default::default()
    }
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.part_id.as_str()).collect()
}

#[test]
fn exact_number_finds_own_part_and_the_interchange_both_ways() {
    let index = catalog();
    let r = index.search(&query("04465-02061", Some("0446502061"))).expect("search");
    assert_eq!(ids(&r), ["p1", "p2"]);
    assert_eq!(r.hits[0].matched_on.kind, MatchKind::Oe);
    assert_eq!(r.hits[0].matched_on.value, "04465-02061");
    assert_eq!(r.hits[1].matched_on.kind, MatchKind::Interchange);

    // TRW's number finds BOSCH (which lists it as interchange), below TRW's own part.
    let r = index.search(&query("GDB3287", Some("GDB3287"))).expect("search");
    assert_eq!(ids(&r), ["p2", "p1"]);
    assert_eq!(r.hits[0].matched_on.kind, MatchKind::Article);
    assert_eq!(r.hits[1].matched_on.kind, MatchKind::Interchange);
}

#[test]
fn supersession_chain_leads_to_the_newest_number() {
    let index = catalog();
    let r = index.search(&query("06J115403", Some("06J115403"))).expect("search");
    assert_eq!(ids(&r), ["p4", "p5", "p6"]);
    assert_eq!(r.hits[1].matched_on.kind, MatchKind::Supersedes);
    assert_eq!(r.hits[2].matched_on.kind, MatchKind::Supersedes);
    // The middle number is found directly and by the part that lists it as superseded.
    let r = index.search(&query("06J115403C", Some("06J115403C"))).expect("search");
    assert_eq!(ids(&r), ["p5", "p6", "p4"]);
    assert_eq!(r.hits[2].matched_on.kind, MatchKind::SupersededBy);
}

#[test]
fn partial_and_mistyped_numbers() {
    let index = catalog();
    let r = index.search(&query("098642", Some("098642"))).expect("search");
    assert_eq!(ids(&r), ["p1"]);
    assert_eq!(r.hits[0].matched_on.precision, "prefix");
    let r = index.search(&query("0986424753", Some("0986424753"))).expect("search");
    assert_eq!(ids(&r), ["p1"]);
    assert_eq!(r.hits[0].matched_on.precision, "typo");
    // Too short for a typo search, and not a name either.
    let r = index.search(&query("0986", Some("0986"))).expect("search");
    assert!(r.hits.is_empty());
}

#[test]
fn tenants_never_see_each_other() {
    let index = catalog();
    let mut q = query("BP-001", Some("BP001"));
    q.tenant = "ten_b";
    assert_eq!(ids(&index.search(&q).expect("search")), ["q1"]);
    q.tenant = "ten_c";
    assert!(index.search(&q).expect("search").hits.is_empty());
    // A number's terms carry their tenant: exact, prefix and typo alike find only its own.
    for key in ["0986424735", "09864", "0986424753"] {
        let mut q = query(key, Some(key));
        q.tenant = "ten_b";
        assert_eq!(ids(&index.search(&q).expect("search")), ["q1"], "{key}");
        q.tenant = "ten_c";
        assert!(index.search(&q).expect("search").hits.is_empty(), "{key}");
    }
    let mut names = query("刹车片", None);
    names.tenant = "ten_c";
    assert_eq!(index.search(&names).expect("search").total, 0);
    assert_eq!(index.count("ten_a").expect("count"), 7);
    assert_eq!(index.count("ten_b").expect("count"), 1);
}

#[test]
fn chinese_names_word_order_and_synonyms() {
    let index = catalog();
    let r = index.search(&query("前刹车片", None)).expect("search");
    let found = ids(&r);
    assert!(found.contains(&"p1") && found.contains(&"p2"), "{found:?}");
    assert!(!found.contains(&"p3"), "a brake disc is not a brake pad: {found:?}");
    assert_eq!(r.hits[0].matched_on.kind, MatchKind::Name);

    let slang = Synonyms::new(vec![vec![
        "机滤".to_owned(),
        "机油滤清器".to_owned(),
        "机油格".to_owned(),
    ]]);
    let mut q = query("机滤", None);
    q.synonyms = &slang;
    let r = index.search(&q).expect("search");
    let mut found = ids(&r);
    found.sort_unstable();
    assert_eq!(found, ["p4", "p5", "p6", "p7"]);
    // Without synonyms only the part literally called 机滤.
    assert_eq!(ids(&index.search(&query("机滤", None)).expect("search")), ["p7"]);
}

#[test]
fn english_names_stem_and_vehicle_filters_narrow() {
    let index = catalog();
    let r = index.search(&query("brake pad", None)).expect("search");
    assert_eq!(ids(&r), ["p1"]);
    let mut q = query("刹车", None);
    q.make = Some("volkswagen");
    q.model = Some("SAGITAR");
    q.year = Some(2019);
    assert_eq!(ids(&index.search(&q).expect("search")), ["p3"]);
    q.year = Some(2010);
    assert!(index.search(&q).expect("search").hits.is_empty());

    // A vehicle hint ranks, it does not filter.
    let mut hinted = query("刹车", None);
    hinted.vehicle = Some(Vehicle {
        make: "Volkswagen".into(),
        model: Some("Sagitar".into()),
        year: Some(2020),
    });
    let r = index.search(&hinted).expect("search");
    assert_eq!(r.hits[0].part_id, "p3");
    assert_eq!(r.total, 3);
}

#[test]
fn filters_and_facets() {
    let index = catalog();
    let r = index.search(&query("", None)).expect("search");
    assert_eq!(r.total, 7);
    assert_eq!(
        r.facets.category,
        [("刹车系统".to_owned(), 3), ("滤清器".to_owned(), 4)]
            .map(|(a, b)| (a, b))
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
    );
    assert!(r.facets.brand.contains(&("BOSCH".to_owned(), 1)));
    let mut q = query("刹车片", None);
    q.in_stock = Some(true);
    assert_eq!(ids(&index.search(&q).expect("search")), ["p1"]);
    let mut q = query("", None);
    q.brand = Some("mann-filter");
    assert_eq!(ids(&index.search(&q).expect("search")), ["p7"]);
}

#[test]
fn highlights_name_matches() {
    let index = catalog();
    let r = index.search(&query("brake pads", None)).expect("search");
    assert!(
        r.hits[0].highlight.as_deref().is_some_and(|h| h.contains("<b>")),
        "{:?}",
        r.hits[0].highlight
    );
}

#[test]
fn changes_replace_and_delete_and_the_last_change_id_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let index = SearchIndex::open(dir.path()).expect("open");
        assert_eq!(index.last_applied().expect("meta"), None);
        let doc = part(
            "ten_a",
            "p1",
            "NGK",
            "火花塞",
            "点火系统",
            vec![num(NumberKind::Article, "BKR6E")],
        );
        index.apply([Change::Upsert(doc.clone())], 41).expect("apply");
        let mut renamed = doc;
        renamed.name = "铱金火花塞".into();
        index.apply([Change::Upsert(renamed)], 42).expect("apply");
        assert_eq!(index.count("ten_a").expect("count"), 1);
    }
    let index = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(index.last_applied().expect("meta"), Some(42));
    assert_eq!(ids(&index.search(&query("铱金", None)).expect("search")), ["p1"]);
    index
        .apply(
            [Change::Delete {
                tenant: "ten_a".into(),
                part_id: "p1".into(),
            }],
            43,
        )
        .expect("delete");
    assert_eq!(index.count("ten_a").expect("count"), 0);
    index.clear().expect("clear");
}

#[test]
fn top_only_finds_the_same_best_hits_without_counting() {
    let index = catalog();
    for text in ["前刹车片", "brake pads", "机滤"] {
        let full = index.search(&query(text, None)).expect("search");
        let top = index
            .search(&SearchQuery {
                counting: Counting::TopOnly,
                ..query(text, None)
            })
            .expect("search");
        assert_eq!(ids(&top), ids(&full), "{text}");
        assert!(top.facets.brand.is_empty() && top.hits.iter().all(|h| h.highlight.is_none()));
    }
}

#[test]
fn names_only_ignores_words_found_only_in_categories() {
    let index = catalog();
    let everywhere = index.search(&query("刹车系统", None)).expect("search");
    assert!(!everywhere.hits.is_empty(), "the category matches");
    let names = index
        .search(&SearchQuery {
            names_only: true,
            ..query("刹车系统", None)
        })
        .expect("search");
    assert!(names.hits.is_empty(), "{:?}", ids(&names));
    let pads = index
        .search(&SearchQuery {
            names_only: true,
            ..query("前刹车片", None)
        })
        .expect("search");
    assert!(ids(&pads).contains(&"p1"));
}

#[test]
fn a_number_search_alone_does_not_fall_back_to_names() {
    let index = catalog();
    let found = index
        .search_numbers(&query("0446502061", None), "0446502061")
        .expect("search");
    assert_eq!(ids(&found), ["p1", "p2"]);
    let none = index
        .search_numbers(&query("刹车片", None), "99999999")
        .expect("search");
    assert!(none.hits.is_empty());
}

#[test]
fn whole_name_matches_rank_before_partial_ones_and_all_are_counted() {
    let index = SearchIndex::in_memory().expect("index");
    let mut partial = part("ten_a", "partial", "TRW", "Brake pads", "刹车系统", Vec::new());
    partial.description = Some("front axle".into());
    let whole = part("ten_a", "whole", "BOSCH", "Front brake pads", "刹车系统", Vec::new());
    let unrelated = part("ten_a", "other", "NGK", "Spark plug", "点火系统", Vec::new());
    index
        .apply([partial, whole, unrelated].into_iter().map(Change::Upsert), 3)
        .expect("apply");
    let r = index.search(&query("front brake pads", None)).expect("search");
    assert_eq!(ids(&r), ["whole", "partial"]);
    assert_eq!(r.total, 2);
    assert_eq!(r.facets.brand, [("BOSCH".to_owned(), 1), ("TRW".to_owned(), 1)]);
    // The matcher's cheaper form finds the same best part.
    let top = index
        .search(&SearchQuery {
            counting: Counting::TopOnly,
            names_only: true,
            ..query("front brake pads", None)
        })
        .expect("search");
    assert_eq!(top.hits[0].part_id, "whole");
}

#[test]
fn a_filter_does_not_change_a_parts_score() {
    let index = catalog();
    let score_of = |make: Option<&str>| {
        let r = index
            .search(&SearchQuery {
                make,
                ..query("刹车片", None)
            })
            .expect("search");
        r.hits.iter().find(|h| h.part_id == "p1").expect("p1 found").score
    };
    let (plain, filtered) = (score_of(None), score_of(Some("toyota")));
    assert!((plain - filtered).abs() < 1e-4, "{plain} vs {filtered}");
    // Other dealers' parts add no score either: the tenant term is taken off too.
    assert!(plain < 50.0, "{plain}");
}

#[test]
fn most_words_is_three_in_five() {
    use crate::search::combinations;
    assert_eq!(combinations(3, 2), [vec![0, 1], vec![0, 2], vec![1, 2]]);
    assert_eq!(combinations(5, 3).len(), 10);
    assert_eq!(combinations(1, 1), [vec![0]]);
}

#[test]
fn pruned_top_hits_score_as_the_full_ranking() {
    // Several 128-document blocks per term, two dealers interleaved, names of many lengths:
    // block-max pruning must never skip a block that holds a better hit.
    let index = SearchIndex::in_memory().expect("index");
    let docs = (0..1_200).map(|i| {
        let tenant = if i % 3 == 0 { "ten_a" } else { "ten_b" };
        let padding = "x ".repeat(i % 29);
        let mut p = part(
            tenant,
            &format!("p{i}"),
            "TRW",
            &format!("{padding}front brake pads"),
            "刹车系统",
            Vec::new(),
        );
        if i % 2 == 0 {
            p.fitments = vec![FitmentEntry {
                make: "Toyota".into(),
                ..Default::default()
            }];
        }
        p
    });
    index.apply(docs.map(Change::Upsert), 1).expect("apply");
    for make in [None, Some("toyota")] {
        let scores = |limit: usize| -> Vec<f32> {
            let q = SearchQuery {
                counting: Counting::TopOnly,
                names_only: true,
                limit,
                make,
                ..query("front brake pads", None)
            };
            index.search(&q).expect("search").hits.iter().map(|h| h.score).collect()
        };
        let full = scores(1_000);
        assert_eq!(full.len(), if make.is_some() { 200 } else { 400 });
        for limit in [1, 5, 20, 100] {
            assert_eq!(scores(limit), full[..limit], "top {limit} of {make:?}");
        }
    }
}

fn filter_part(i: usize) -> PartDoc {
    part(
        "ten_a",
        &format!("f{i}"),
        "MANN",
        "机油滤清器 Oil Filter",
        "滤清器",
        vec![num(NumberKind::Sku, &format!("MF-{i:05}"))],
    )
}

/// Waits for a merge asked for by `settle`, as a server would by doing nothing.
fn wait_settled(index: &SearchIndex) {
    let started = std::time::Instant::now();
    while index.settling().expect("metas") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "merge did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    index.refresh().expect("reload");
}

#[test]
fn a_fragmented_index_settles_into_one_segment_with_the_same_results_and_change_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    // Below the log policy's eight segments of a size, so nothing merges while writing.
    for round in 0..3 {
        index
            .apply(
                (round * 40..round * 40 + 40).map(|i| Change::Upsert(filter_part(i))),
                round as i64 + 1,
            )
            .expect("apply");
    }
    // At least one segment per commit (the writer's threads may each add one).
    assert!(index.segment_count().expect("segments") >= 3);
    let everything = SearchQuery {
        limit: 200,
        ..query("oil filter", None)
    };
    let sorted_ids = |r: &SearchResults| {
        let mut ids: Vec<String> = r.hits.iter().map(|h| h.part_id.clone()).collect();
        ids.sort();
        ids
    };
    let before = index.search(&everything).expect("search");
    assert_eq!(before.total, 120);

    assert!(index.settle().expect("settle"), "a merge was worth asking for");
    wait_settled(&index);
    assert_eq!(index.segment_count().expect("segments"), 1);
    assert_eq!(index.last_applied().expect("meta"), Some(3));
    let after = index.search(&everything).expect("search");
    assert_eq!(after.total, 120);
    // Equal scores are ordered by each part's key, not by where a document sits.
    assert_eq!(ids(&after), ids(&before));
    assert_eq!(sorted_ids(&after), sorted_ids(&before));
    assert_eq!(after.facets, before.facets);
    assert_eq!(
        ids(&index.search(&query("MF-00042", Some("MF00042"))).expect("search")),
        ["f42"]
    );
    assert!(!index.settle().expect("settle"), "one segment has nothing to merge");
}

#[test]
fn a_small_write_after_a_settled_bulk_load_does_not_rewrite_the_index() {
    let index = SearchIndex::in_memory().expect("index");
    index
        .apply((0..200).map(|i| Change::Upsert(filter_part(i))), 1)
        .expect("apply");
    index.settle().expect("settle");
    wait_settled(&index);
    assert_eq!(index.segment_count().expect("segments"), 1);
    index.apply([Change::Upsert(filter_part(200))], 2).expect("apply");
    assert_eq!(index.segment_count().expect("segments"), 2);
    assert!(
        !index.settle().expect("settle"),
        "1 document in 201 is not worth a full merge"
    );
    assert_eq!(index.segment_count().expect("segments"), 2);

    // Deleted documents count: replacing a quarter of the parts makes the merge worth it.
    index
        .apply((0..50).map(|i| Change::Upsert(filter_part(i))), 3)
        .expect("apply");
    assert!(index.settle().expect("settle"));
    wait_settled(&index);
    assert_eq!(index.segment_count().expect("segments"), 1);
    assert_eq!(index.count("ten_a").expect("count"), 201);
}

#[test]
fn counting_in_ranges_on_several_threads_equals_counting_in_one_pass() {
    use tantivy::collector::Count;

    use crate::term_counts::{TermCounts, count_matches};

    let index = SearchIndex::in_memory().expect("index");
    let brands = ["MANN", "BOSCH", "MAHLE", "HENGST"];
    let docs = (0..300).map(|i| {
        let mut doc = filter_part(i);
        doc.brand = Some(brands[i % brands.len()].into());
        doc.category = (i % 3 != 0).then(|| "滤清器".to_owned());
        Change::Upsert(doc)
    });
    index.apply(docs.clone().take(150), 1).expect("apply");
    index.apply(docs.skip(150), 2).expect("apply");
    // Deleted documents stay in their segment until a merge; they must not be counted.
    index
        .apply(
            (0..300).step_by(7).map(|i| Change::Delete {
                tenant: "ten_a".into(),
                part_id: format!("f{i}"),
            }),
            3,
        )
        .expect("delete");
    let searcher = index.reader.searcher();
    let executor = tantivy::Executor::multi_thread(3, "test-count-").expect("threads");
    let term = |field, text: &str| -> Box<dyn tantivy::query::Query> {
        Box::new(tantivy::query::TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    let cases: [(&str, Box<dyn tantivy::query::Query>, usize); 4] = [
        ("every part", Box::new(tantivy::query::AllQuery), 300 - 43),
        ("a word", term(index.fields.text_all, "filter"), 300 - 43),
        ("a brand", term(index.fields.brand, "MANN"), 75 - 11),
        ("nothing", term(index.fields.text_all, "pump"), 0),
    ];
    for (text, matching, expected) in cases {
        let query = tenant_scoped(&index.fields, "ten_a", vec![(tantivy::query::Occur::Must, matching)]);
        let (total, brand_counts, category_counts) = searcher
            .search(&query, &(Count, TermCounts::new("brand"), TermCounts::new("category")))
            .expect("one pass");
        for ways in [1, 2, 3, 7] {
            let counted = count_matches(&searcher, &query, &executor, ways, 1).expect("ranges");
            assert_eq!(counted.total, total, "{text}, {ways} ways");
            assert_eq!(counted.brands, brand_counts, "{text}, {ways} ways");
            assert_eq!(counted.categories, category_counts, "{text}, {ways} ways");
        }
        assert_eq!(total, expected, "{text}");
    }
}

/// Built in another order and other batches, an index answers parts of equal score in the
/// same order, and pages through them without repeating or skipping one.
#[test]
fn equal_scores_keep_one_order_across_rebuilds_and_pages() {
    let parts: Vec<PartDoc> = (0..90).map(filter_part).collect();
    let forwards = SearchIndex::in_memory().expect("index");
    forwards
        .apply(parts.iter().cloned().map(Change::Add), 1)
        .expect("apply");
    let backwards = SearchIndex::in_memory().expect("index");
    for (batch, chunk) in parts.iter().rev().collect::<Vec<_>>().chunks(13).enumerate() {
        backwards
            .apply(chunk.iter().map(|p| Change::Add((*p).clone())), batch as i64 + 1)
            .expect("apply");
    }
    for text in ["oil filter", "机油滤清器", "滤清器"] {
        let page = |index: &SearchIndex, offset: usize, limit: usize| -> Vec<String> {
            let q = SearchQuery {
                offset,
                limit,
                ..query(text, None)
            };
            index
                .search(&q)
                .expect("search")
                .hits
                .into_iter()
                .map(|h| h.part_id)
                .collect()
        };
        let whole = page(&forwards, 0, 90);
        assert_eq!(whole.len(), 90, "{text}");
        assert_eq!(page(&backwards, 0, 90), whole, "{text}");
        let mut paged = Vec::new();
        for offset in (0..90).step_by(7) {
            paged.extend(page(&backwards, offset, 7));
        }
        assert_eq!(paged, whole, "{text}: pages repeat or skip a hit");
        // The first page alone is the same too: the cut falls among equal scores.
        assert_eq!(page(&backwards, 0, 5), whole[..5], "{text}");
    }
}

#[test]
fn names_are_found_by_pinyin_initials_and_full_readings() {
    let index = catalog();
    let sorted = |r: &SearchResults| {
        let mut found: Vec<String> = r.hits.iter().map(|h| h.part_id.clone()).collect();
        found.sort_unstable();
        found
    };
    // 刹车片 in the names of p1 and p2; initials are ambiguous (刹车盘 reads `scp` too), the
    // full reading is not.
    for typed in ["shachepian", "sha che pian"] {
        let r = index.search(&query(typed, None)).expect("search");
        assert_eq!(sorted(&r), ["p1", "p2"], "{typed}");
        assert_eq!(r.total, 2, "{typed}");
    }
    assert_eq!(
        sorted(&index.search(&query("scp", None)).expect("search")),
        ["p1", "p2", "p3"]
    );
    // A trade word's pinyin through its synonym group: every part the group names.
    let slang = Synonyms::new(vec![vec![
        "机滤".to_owned(),
        "机油滤清器".to_owned(),
        "机油格".to_owned(),
    ]]);
    let mut q = query("jl", None);
    q.synonyms = &slang;
    let r = index.search(&q).expect("search");
    assert_eq!(sorted(&r), ["p4", "p5", "p6", "p7"]);
    // Words as written rank above a reading: `oil filter` typed finds its names first.
    let r = index.search(&query("filter", None)).expect("search");
    assert!(
        r.hits.iter().all(|h| h.matched_on.kind == MatchKind::Name),
        "{:?}",
        ids(&r)
    );
    // Another dealer's parts stay out of reach by reading too.
    let r = index.search(&query("scp", None)).expect("search");
    assert!(!ids(&r).contains(&"q1"));
}

/// Past [`TOTAL_LIMIT`] matches the total is a lower bound and the facets count that many
/// matches, a uniform sample (the index's order is a random key per part); `Counting::Exact`
/// counts everything; the hits are the same either way.
#[test]
fn totals_are_bounded_and_facets_count_a_sample_of_the_matches() {
    let index = SearchIndex::in_memory().expect("index");
    let mann = (0..TOTAL_LIMIT).map(|i| part("ten_a", &format!("m{i}"), "MANN", "oil filter", "滤清器", Vec::new()));
    let hengst = (0..TOTAL_LIMIT).map(|i| {
        part(
            "ten_a",
            &format!("h{i}"),
            "HENGST",
            "oil filter for heavy duty trucks",
            "商用车滤清器",
            Vec::new(),
        )
    });
    index.apply(mann.chain(hengst).map(Change::Add), 1).expect("apply");
    let bounded = index.search(&query("oil filter", None)).expect("search");
    assert_eq!(bounded.total, TOTAL_LIMIT);
    assert!(bounded.total_is_lower_bound && !bounded.facets_complete);
    let counts: std::collections::HashMap<&str, u64> =
        bounded.facets.brand.iter().map(|(b, n)| (b.as_str(), *n)).collect();
    assert_eq!(counts.values().sum::<u64>(), TOTAL_LIMIT as u64);
    // Half of each brand matches, so a sample holds about half of each.
    for brand in ["MANN", "HENGST"] {
        let share = counts[brand] as f64 / TOTAL_LIMIT as f64;
        assert!((0.45..0.55).contains(&share), "{brand}: {share}");
    }

    let exact = index
        .search(&SearchQuery {
            counting: Counting::Exact,
            ..query("oil filter", None)
        })
        .expect("search");
    assert_eq!(exact.total, 2 * TOTAL_LIMIT);
    assert!(!exact.total_is_lower_bound && exact.facets_complete);
    assert_eq!(
        exact.facets.brand,
        [
            ("HENGST".to_owned(), TOTAL_LIMIT as u64),
            ("MANN".to_owned(), TOTAL_LIMIT as u64)
        ]
    );
    assert_eq!(ids(&exact), ids(&bounded));

    // Under the limit, bounded counting is exact.
    let few = index.search(&query("heavy duty trucks", None)).expect("search");
    assert_eq!(few.total, TOTAL_LIMIT);
    assert!(!few.total_is_lower_bound && few.facets_complete);
    assert_eq!(few.facets.brand, [("HENGST".to_owned(), TOTAL_LIMIT as u64)]);

    // The deepest page is the same whichever way it was counted.
    let deep = |counting| {
        let q = SearchQuery {
            offset: TOTAL_LIMIT - 20,
            counting,
            ..query("oil filter", None)
        };
        ids(&index.search(&q).expect("search"))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(deep(Counting::Bounded), deep(Counting::Exact));
}
