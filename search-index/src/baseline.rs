//! A plain tantivy index over the same documents, queried the plain way (one term query for
//! a number, an OR of terms for a name), as the baseline benchmarks compare against.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use crate::{PartDoc, Result, analyzer};

pub struct RawIndex {
    index: Index,
    reader: IndexReader,
    tenant: tantivy::schema::Field,
    num: tantivy::schema::Field,
    name: tantivy::schema::Field,
}

impl RawIndex {
    pub fn build(docs: impl IntoIterator<Item = PartDoc>) -> Result<Self> {
        let mut b = Schema::builder();
        let tenant = b.add_text_field("tenant", STRING);
        let num = b.add_text_field("num", STRING);
        let name = b.add_text_field(
            "name",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::TEXT)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(b.build());
        analyzer::register(index.tokenizers());
        let mut writer: tantivy::IndexWriter = index.writer(256 * 1024 * 1024)?;
        for doc in docs {
            let mut d = TantivyDocument::default();
            d.add_text(tenant, &doc.tenant);
            for n in &doc.numbers {
                d.add_text(num, &n.normalized);
            }
            d.add_text(name, &doc.name);
            writer.add_document(d)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Self {
            index,
            reader,
            tenant,
            num,
            name,
        })
    }

    fn scoped(&self, tenant: &str, query: Box<dyn Query>) -> BooleanQuery {
        let t = TermQuery::new(Term::from_field_text(self.tenant, tenant), IndexRecordOption::Basic);
        BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, Box::new(t))])
    }

    /// Hits for a normalized number.
    pub fn number(&self, tenant: &str, key: &str, limit: usize) -> Result<usize> {
        let q = TermQuery::new(Term::from_field_text(self.num, key), IndexRecordOption::Basic);
        let found = self.reader.searcher().search(
            &self.scoped(tenant, Box::new(q)),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        Ok(found.len())
    }

    /// Hits for a name: any analyzed term.
    pub fn text(&self, tenant: &str, text: &str, limit: usize) -> Result<usize> {
        let mut analyzer = self
            .index
            .tokenizers()
            .get(analyzer::TEXT)
            .ok_or_else(|| crate::IndexError::Query("analyzer".into()))?;
        let mut stream = analyzer.token_stream(text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        while let Some(token) = stream.next() {
            let term = Term::from_field_text(self.name, &token.text);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
        let found = self.reader.searcher().search(
            &self.scoped(tenant, Box::new(BooleanQuery::new(clauses))),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        Ok(found.len())
    }
}
