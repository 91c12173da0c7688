//! Reading catalog files row by row without holding them in memory: CSV (UTF-8 with or
//! without BOM, or GBK/GB18030 as Chinese Excel writes it) and NDJSON. Each row becomes a
//! [`PartRequest`] or a list of problems naming the line and column.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::catalog::part::{FitmentInput, NumberItem, PartRequest};
use crate::validate::{FORBIDDEN_CHARS_MESSAGE, forbidden_chars_in, has_forbidden_chars};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    /// Also reads GBK and GB2312, which it extends.
    Gb18030,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Self::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Some(Self::Gb18030),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Gb18030 => "gb18030",
        }
    }
}

/// A problem with one row (or a warning about it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowIssue {
    /// 1-based line in the file.
    pub line: u64,
    /// The column (CSV header as written) or field at fault.
    pub column: Option<String>,
    pub code: String,
    pub message: String,
    /// `error` (the row was rejected) or `warning` (it was imported).
    pub severity: String,
}

impl RowIssue {
    pub fn error(line: u64, column: Option<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            code: code.to_owned(),
            message: message.into(),
            severity: "error".to_owned(),
        }
    }
}

/// Fails the whole file before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file has no usable header: {0}")]
    Header(String),
    #[error("the file is not valid {0}; pass ?encoding= to say what it is")]
    Encoding(&'static str),
    #[error("the file has more than {0} rows; split it")]
    TooManyRows(u64),
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Whether the bytes are valid UTF-8, checked in chunks.
fn is_utf8(path: &Path) -> std::io::Result<bool> {
    let mut file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut carry: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(carry.is_empty());
        }
        carry.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            Err(e) if e.error_len().is_none() => {
                // An incomplete sequence at the end of the chunk: keep it for the next one.
                let valid = e.valid_up_to();
                carry.drain(..valid);
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The encoding to read with: as asked, else UTF-8 if the bytes are valid UTF-8, else GB18030.
pub fn resolve_encoding(path: &Path, asked: Option<Encoding>) -> Result<Encoding, FileError> {
    let utf8 = is_utf8(path)?;
    match asked {
        Some(Encoding::Utf8) if !utf8 => Err(FileError::Encoding("UTF-8")),
        Some(encoding) => Ok(encoding),
        None if utf8 => Ok(Encoding::Utf8),
        None => Ok(Encoding::Gb18030),
    }
}

fn decoded(path: &Path, encoding: Encoding) -> std::io::Result<impl Read + Send + use<>> {
    let enc = match encoding {
        Encoding::Utf8 => encoding_rs::UTF_8,
        Encoding::Gb18030 => encoding_rs::GB18030,
    };
    Ok(encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(enc))
        .bom_override(true)
        .strip_bom(true)
        .build(BufReader::with_capacity(1 << 20, File::open(path)?)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Sku,
    Name,
    Brand,
    Category,
    Description,
    Unit,
    Price,
    Currency,
    Stock,
    Active,
    ArticleNumber,
    OeNumbers,
    CrossNumbers,
    Supersedes,
    SupersededBy,
    Fitment,
    Attributes,
}

/// Accepted header names (case-insensitive), Chinese aliases included.
const ALIASES: &[(Field, &[&str])] = &[
    (Field::Sku, &["sku", "编码", "货号", "配件编码", "商品编码", "编号"]),
    (Field::Name, &["name", "名称", "配件名称", "商品名称", "品名"]),
    (Field::Brand, &["brand", "品牌"]),
    (Field::Category, &["category", "分类", "类别"]),
    (Field::Description, &["description", "描述", "说明"]),
    (Field::Unit, &["unit", "单位"]),
    (Field::Price, &["price", "价格", "单价", "售价"]),
    (Field::Currency, &["currency", "币种"]),
    (Field::Stock, &["stock", "库存", "库存数量"]),
    (Field::Active, &["active", "启用"]),
    (Field::ArticleNumber, &["article_number", "品牌编号", "厂家编号"]),
    (Field::OeNumbers, &["oe_numbers", "oe", "oe号", "原厂号", "原厂编号"]),
    (Field::CrossNumbers, &["cross_numbers", "互换号", "对照号"]),
    (Field::Supersedes, &["supersedes", "旧号", "被替代号"]),
    (Field::SupersededBy, &["superseded_by", "新号", "替代号"]),
    (Field::Fitment, &["fitment", "适用车型", "车型"]),
    (Field::Attributes, &["attributes", "属性"]),
];

fn field_of(header: &str) -> Option<Field> {
    let h = header.trim().to_lowercase();
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(f, _)| *f)
}

fn json_field_name(field: Field) -> &'static str {
    ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, names)| names[0])
        .unwrap_or("")
}

/// `MAKE|MODEL|FROM-TO|ENGINE[|NOTE]` items separated by `;` or newlines.
pub fn parse_fitment_cell(cell: &str) -> Result<Vec<FitmentInput>, String> {
    let mut out = Vec::new();
    for item in cell.split([';', '\n', '；']).map(str::trim).filter(|i| !i.is_empty()) {
        let parts: Vec<&str> = item.split('|').map(str::trim).collect();
        let opt = |i: usize| parts.get(i).filter(|s| !s.is_empty()).map(|s| (*s).to_owned());
        let (year_from, year_to) = match parts.get(2).filter(|s| !s.is_empty()) {
            None => (None, None),
            Some(years) => {
                let (from, to) = years.split_once('-').unwrap_or((years, years));
                let year = |s: &str| -> Result<Option<i32>, String> {
                    let s = s.trim();
                    if s.is_empty() {
                        return Ok(None);
                    }
                    s.parse()
                        .map(Some)
                        .map_err(|_| format!("`{years}` is not a year range such as 2003-2008"))
                };
                (year(from)?, year(to)?)
            }
        };
        out.push(FitmentInput {
            make: parts.first().map(|s| (*s).to_owned()).unwrap_or_default(),
            model: opt(1),
            year_from,
            year_to,
            engine: opt(3),
            note: opt(4),
        });
    }
    Ok(out)
}

pub type Row = (u64, Result<(PartRequest, Columns), Vec<RowIssue>>);

/// JSON field name -> the column as the file wrote it, to report problems in its words.
pub type Columns = std::sync::Arc<HashMap<&'static str, String>>;

/// The rows of a file, read lazily.
pub struct Rows(Inner);

enum Inner {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        columns: Vec<(String, Option<Field>)>,
        names: Columns,
        record: csv::StringRecord,
    },
    Ndjson {
        reader: BufReader<Box<dyn Read + Send>>,
        line: u64,
        buf: String,
    },
}

impl Rows {
    pub fn open(path: &Path, format: Format, encoding: Encoding) -> Result<Self, FileError> {
        let input: Box<dyn Read + Send> = Box::new(decoded(path, encoding)?);
        match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .has_headers(true)
                    .from_reader(input);
                let headers = reader.headers().map_err(|e| FileError::Header(e.to_string()))?.clone();
                if headers.iter().all(|h| h.trim().is_empty()) {
                    return Err(FileError::Header("the file is empty".into()));
                }
                if let Some(at) = headers.iter().position(has_forbidden_chars) {
                    return Err(FileError::Header(format!(
                        "the header of column {} {FORBIDDEN_CHARS_MESSAGE}",
                        at + 1
                    )));
                }
                let columns: Vec<(String, Option<Field>)> =
                    headers.iter().map(|h| (h.trim().to_owned(), field_of(h))).collect();
                for required in [Field::Sku, Field::Name] {
                    if !columns.iter().any(|(_, f)| *f == Some(required)) {
                        let names = ALIASES
                            .iter()
                            .find(|(f, _)| *f == required)
                            .map(|(_, n)| n.join(", "))
                            .unwrap_or_default();
                        return Err(FileError::Header(format!(
                            "no `{}` column (accepted names: {names})",
                            json_field_name(required)
                        )));
                    }
                }
                let names: HashMap<&'static str, String> = columns
                    .iter()
                    .filter_map(|(h, f)| Some((json_field_name((*f)?), h.clone())))
                    .collect();
                Ok(Self(Inner::Csv {
                    reader,
                    columns,
                    names: std::sync::Arc::new(names),
                    record: csv::StringRecord::new(),
                }))
            }
            Format::Ndjson => Ok(Self(Inner::Ndjson {
                reader: BufReader::with_capacity(1 << 20, input),
                line: 0,
                buf: String::new(),
            })),
        }
    }
}

impl Iterator for Rows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        match &mut self.0 {
            Inner::Csv {
                reader,
                columns,
                names,
                record,
            } => loop {
                let line = reader.position().line() + 1;
                match reader.read_record(record) {
                    Ok(false) => return None,
                    Ok(true) if record.iter().all(|c| c.trim().is_empty()) => continue,
                    Ok(true) => {
                        let line = record.position().map_or(line, |p| p.line());
                        return Some((line, csv_row(line, columns, record).map(|r| (r, names.clone()))));
                    }
                    Err(e) => {
                        let line = e.position().map_or(line, |p| p.line());
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            return Some((
                                line,
                                Err(vec![RowIssue::error(line, None, "unreadable", e.to_string())]),
                            ));
                        }
                        return Some((
                            line,
                            Err(vec![RowIssue::error(line, None, "malformed_csv", e.to_string())]),
                        ));
                    }
                }
            },
            Inner::Ndjson { reader, line, buf } => loop {
                buf.clear();
                *line += 1;
                match reader.read_line(buf) {
                    Ok(0) => return None,
                    Ok(_) if buf.trim().is_empty() => continue,
                    Ok(_) => {
                        let parsed = ndjson_row(*line, buf.trim());
                        return Some((*line, parsed.map(|r| (r, Columns::default()))));
                    }
                    Err(e) => {
                        return Some((
                            *line,
                            Err(vec![RowIssue::error(*line, None, "unreadable", e.to_string())]),
                        ));
                    }
                }
            },
        }
    }
}

fn ndjson_row(line: u64, text: &str) -> Result<PartRequest, Vec<RowIssue>> {
    let invalid = |e: serde_json::Error| vec![RowIssue::error(line, None, "invalid_json", e.to_string())];
    let value: Value = serde_json::from_str(text).map_err(invalid)?;
    if let Some(pointer) = forbidden_chars_in(&value) {
        let column = pointer.trim_start_matches('/').split('/').next().unwrap_or_default();
        return Err(vec![RowIssue::error(
            line,
            Some(column.to_owned()).filter(|c| !c.is_empty()),
            "invalid_characters",
            FORBIDDEN_CHARS_MESSAGE,
        )]);
    }
    serde_json::from_value(value).map_err(invalid)
}

fn csv_row(
    line: u64,
    columns: &[(String, Option<Field>)],
    record: &csv::StringRecord,
) -> Result<PartRequest, Vec<RowIssue>> {
    let mut req = PartRequest::default();
    let mut issues = Vec::new();
    let mut extra = Map::new();
    for (i, cell) in record.iter().enumerate() {
        let cell = cell.trim();
        let Some((header, field)) = columns.get(i) else {
            if !cell.is_empty() {
                issues.push(RowIssue::error(
                    line,
                    None,
                    "extra_cell",
                    format!("cell {} has no column header", i + 1),
                ));
            }
            continue;
        };
        if cell.is_empty() {
            continue;
        }
        if has_forbidden_chars(cell) {
            issues.push(RowIssue::error(
                line,
                Some(header.clone()),
                "invalid_characters",
                FORBIDDEN_CHARS_MESSAGE,
            ));
            continue;
        }
        let text = || Some(cell.to_owned());
        let numbers = || vec![NumberItem::Text(cell.to_owned())];
        match field {
            None => {
                extra.insert(header.clone(), Value::String(cell.to_owned()));
            }
            Some(Field::Sku) => req.sku = text(),
            Some(Field::Name) => req.name = text(),
            Some(Field::Brand) => req.brand = text(),
            Some(Field::Category) => req.category = text(),
            Some(Field::Description) => req.description = text(),
            Some(Field::Unit) => req.unit = text(),
            Some(Field::Price) => req.price = Some(Value::String(cell.to_owned())),
            Some(Field::Currency) => req.currency = text(),
            Some(Field::Stock) => req.stock = Some(Value::String(cell.to_owned())),
            Some(Field::Active) => match cell.to_lowercase().as_str() {
                "true" | "1" | "yes" | "y" | "是" => req.active = Some(true),
                "false" | "0" | "no" | "n" | "否" => req.active = Some(false),
                _ => issues.push(RowIssue::error(
                    line,
                    Some(header.clone()),
                    "invalid_value",
                    "true or false",
                )),
            },
            Some(Field::ArticleNumber) => req.article_number = text(),
            Some(Field::OeNumbers) => req.oe_numbers = numbers(),
            Some(Field::CrossNumbers) => req.cross_numbers = numbers(),
            Some(Field::Supersedes) => req.supersedes = numbers(),
            Some(Field::SupersededBy) => req.superseded_by = numbers(),
            Some(Field::Fitment) => match parse_fitment_cell(cell) {
                Ok(f) => req.fitment = f,
                Err(message) => issues.push(RowIssue::error(line, Some(header.clone()), "invalid_fitment", message)),
            },
            Some(Field::Attributes) => match serde_json::from_str::<Map<String, Value>>(cell) {
                Ok(map) => req.attributes = Some(map),
                Err(_) => issues.push(RowIssue::error(
                    line,
                    Some(header.clone()),
                    "invalid_value",
                    "a JSON object",
                )),
            },
        }
    }
    req.extra = extra;
    if issues.is_empty() { Ok(req) } else { Err(issues) }
}

/// The columns written by export, which import reads back.
pub const EXPORT_HEADER: &[&str] = &[
    "sku",
    "name",
    "brand",
    "category",
    "description",
    "unit",
    "price",
    "currency",
    "stock",
    "active",
    "article_number",
    "oe_numbers",
    "cross_numbers",
    "supersedes",
    "superseded_by",
    "fitment",
    "attributes",
];

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("tmp");
        f.write_all(bytes).expect("write");
        f
    }

    #[test]
    fn reads_bom_utf8_and_gbk_alike() {
        let text = "编码,名称,价格,OE号,适用车型,颜色\nBP-1,刹车片,268,\"TOYOTA:04465-02061; 04465-0K290\",TOYOTA|COROLLA|2003-2008|1ZZ-FE,黑\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        for (bytes, expected) in [(bom, Encoding::Utf8), (gbk.into_owned(), Encoding::Gb18030)] {
            let f = file(&bytes);
            let encoding = resolve_encoding(f.path(), None).expect("encoding");
            assert_eq!(encoding, expected);
            let rows: Vec<Row> = Rows::open(f.path(), Format::Csv, encoding).expect("open").collect();
            assert_eq!(rows.len(), 1);
            let (line, row) = &rows[0];
            assert_eq!(*line, 2);
            let (req, names) = row.as_ref().expect("valid row");
            assert_eq!(req.sku.as_deref(), Some("BP-1"));
            assert_eq!(req.name.as_deref(), Some("刹车片"));
            assert_eq!(req.fitment[0].year_to, Some(2008));
            assert_eq!(req.extra.get("颜色"), Some(&Value::String("黑".into())));
            assert_eq!(names.get("price").map(String::as_str), Some("价格"));
        }
    }

    #[test]
    fn whole_file_problems() {
        let empty = file(b"");
        assert!(matches!(
            Rows::open(empty.path(), Format::Csv, Encoding::Utf8),
            Err(FileError::Header(_))
        ));
        let no_sku = file(b"name,price\nx,1\n");
        assert!(matches!(
            Rows::open(no_sku.path(), Format::Csv, Encoding::Utf8),
            Err(FileError::Header(_))
        ));
        let gbk = file(&encoding_rs::GBK.encode("编码,名称\n1,刹车片\n").0);
        assert!(matches!(
            resolve_encoding(gbk.path(), Some(Encoding::Utf8)),
            Err(FileError::Encoding(_))
        ));
        let header_only = file(b"sku,name\n");
        assert_eq!(
            Rows::open(header_only.path(), Format::Csv, Encoding::Utf8)
                .expect("open")
                .count(),
            0
        );
    }

    #[test]
    fn ndjson_rows_and_bad_lines() {
        let f = file(b"{\"sku\":\"A\",\"name\":\"x\",\"price\":12.5,\"oe_numbers\":[{\"brand\":\"VW\",\"number\":\"06J 115 403\"}]}\n\nnot json\n");
        let rows: Vec<Row> = Rows::open(f.path(), Format::Ndjson, Encoding::Utf8)
            .expect("open")
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].1.is_ok());
        assert_eq!(rows[1].0, 3);
        assert_eq!(
            rows[1].1.as_ref().err().map(|e| e[0].code.as_str()),
            Some("invalid_json")
        );
    }

    #[test]
    fn a_control_character_rejects_its_row_only() {
        let csv = file(b"sku,name,oe\nA,x,04465-02061\nB,y,044\x0065\nC,z,\n");
        let rows: Vec<Row> = Rows::open(csv.path(), Format::Csv, Encoding::Utf8)
            .expect("open")
            .collect();
        let Err(issues) = &rows[1].1 else {
            panic!("row B is rejected")
        };
        assert_eq!(
            (issues[0].column.as_deref(), issues[0].code.as_str()),
            (Some("oe"), "invalid_characters")
        );
        assert!(rows[0].1.is_ok() && rows[2].1.is_ok());

        let ndjson = file(
            b"{\"sku\":\"A\",\"name\":\"x\",\"attributes\":{\"k\":\"v\\u0000\"}}\n{\"sku\":\"B\",\"name\":\"y\"}\n",
        );
        let rows: Vec<Row> = Rows::open(ndjson.path(), Format::Ndjson, Encoding::Utf8)
            .expect("open")
            .collect();
        let Err(issues) = &rows[0].1 else {
            panic!("row A is rejected")
        };
        assert_eq!(
            (issues[0].column.as_deref(), issues[0].code.as_str()),
            (Some("attributes"), "invalid_characters")
        );
        assert!(rows[1].1.is_ok());

        let bad_header = file(b"sku,name,co\x01lor\nA,x,red\n");
        assert!(matches!(
            Rows::open(bad_header.path(), Format::Csv, Encoding::Utf8),
            Err(FileError::Header(_))
        ));
    }

    #[test]
    fn fitment_cells() {
        let f = parse_fitment_cell("VW|SAGITAR|2019-|1.4T; TOYOTA|COROLLA|2005").expect("valid");
        assert_eq!((f[0].year_from, f[0].year_to), (Some(2019), None));
        assert_eq!((f[1].year_from, f[1].year_to), (Some(2005), Some(2005)));
        assert!(parse_fitment_cell("VW|GOLF|new").is_err());
    }
}
