//! Catalog imports over HTTP: the upload is spooled to disk as it arrives (never held in
//! memory), then handed to the import.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AdminStaff, AnyStaff};
use crate::catalog::import::{self, ImportList, ImportParams, ImportResponse, MAX_BYTES, Upload};
use crate::catalog::rows::{Encoding, Format};
use crate::error::{Error, Result};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::{AppState, csv};
use crate::ids::ImportId;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_imports))
        .routes(routes!(get_import))
}

/// Routes without the request timeout: uploads of large files take as long as they take.
pub fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_import))
}

fn format_of(headers: &HeaderMap) -> Result<(Format, Option<String>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut parts = content_type.split(';').map(str::trim);
    let mime = parts.next().unwrap_or_default();
    let charset = parts.find_map(|p| p.strip_prefix("charset=").map(|c| c.trim_matches('"').to_owned()));
    let format = match mime {
        "text/csv" => Format::Csv,
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Format::Ndjson,
        _ => {
            return Err(Error::UnsupportedMediaType {
                expected: "text/csv or application/x-ndjson",
            });
        }
    };
    Ok((format, charset))
}

/// Write the body to `path`, refusing more than [`MAX_BYTES`].
async fn spool(body: Body, path: &Path) -> Result<u64> {
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::create(path).await.map_err(anyhow::Error::from)?);
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::BadRequest {
            code: "unreadable_body",
            detail: format!("the upload broke off: {e}"),
            field: None,
        })?;
        written += chunk.len() as u64;
        if written > MAX_BYTES {
            return Err(Error::PayloadTooLarge {
                limit_bytes: usize::try_from(MAX_BYTES).unwrap_or(usize::MAX),
            });
        }
        file.write_all(&chunk).await.map_err(anyhow::Error::from)?;
    }
    file.flush().await.map_err(anyhow::Error::from)?;
    Ok(written)
}

const IMPORT_DESCRIPTION: &str = "Send the file as the body: `text/csv` (UTF-8 with or without BOM, or GBK/GB18030; \
a `charset` parameter or `?encoding=` says which, else it is detected) or `application/x-ndjson` (one JSON part per \
line, fields as in `POST /v1/parts`). At most 1 GiB and 2,000,000 rows. CSV headers are case-insensitive; Chinese \
aliases: sku 编码/货号/配件编码/商品编码/编号, name 名称/配件名称/商品名称/品名, brand 品牌, category 分类/类别, \
description 描述/说明, unit 单位, price 价格/单价/售价, currency 币种, stock 库存/库存数量, active 启用, \
article_number 品牌编号/厂家编号, oe_numbers OE/OE号/原厂号/原厂编号, cross_numbers 互换号/对照号, \
supersedes 旧号/被替代号, superseded_by 新号/替代号, fitment 适用车型/车型 (`MAKE|MODEL|FROM-TO|ENGINE` items \
separated by `;`), attributes 属性 (a JSON object). Number cells hold several numbers separated by `;` `,` `|` or \
newlines, each `NUMBER` or `BRAND:NUMBER`. Other columns are kept in `attributes`. Rows are upserted by SKU; a bad \
row is rejected alone and listed in `errors`; a repeated SKU keeps the last row, with a warning. A file without a \
usable header, in the wrong encoding or with too many rows is refused whole (422) and nothing is written.";

/// Import a catalog file.
#[utoipa::path(post, path = "/v1/catalog/imports", tag = "catalog", summary = "Import a catalog file",
    description = IMPORT_DESCRIPTION, params(ImportParams),
    request_body(description = "The catalog file", content((String = "text/csv"), (String = "application/x-ndjson"))),
    security(("staff_token" = [])),
    responses(
        (status = 202, description = "Accepted; follow `Location` for progress", body = ImportResponse),
        (status = 200, description = "Finished (`wait=true`)", body = ImportResponse),
        (status = 413, description = "Larger than 1 GiB (`payload_too_large`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV or NDJSON (`unsupported_media_type`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No usable header, wrong encoding or too many rows (`validation_failed`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
#[tracing::instrument(skip_all)]
async fn create_import(
    State(state): State<AppState>,
    caller: AdminStaff,
    ApiQuery(params): ApiQuery<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let (format, charset) = format_of(&headers)?;
    let encoding = match params.encoding.or(charset) {
        None => None,
        Some(name) => Some(
            Encoding::parse(&name)
                .ok_or_else(|| Error::field("query.encoding", "invalid_value", "utf-8, gbk or gb18030"))?,
        ),
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return Err(Error::PayloadTooLarge {
            limit_bytes: usize::try_from(MAX_BYTES).unwrap_or(usize::MAX),
        });
    }
    let dir = state.config.data_dir.join("imports");
    tokio::fs::create_dir_all(&dir).await.map_err(anyhow::Error::from)?;
    let path = dir.join(format!("{}.upload", ImportId::generate()));
    if let Err(err) = spool(body, &path).await {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(err);
    }
    let upload = Upload {
        path,
        format,
        encoding,
        mode: params.mode.unwrap_or_default(),
        wait: params.wait == Some(true),
    };
    let feed = Arc::clone(&state.indexer);
    let clock = Arc::clone(&state.clock);
    let (job, finished) = import::import_upload(&state.db, feed, clock, caller.tenant, caller.user_id, upload).await?;
    let location = HeaderValue::from_str(&format!("/v1/catalog/imports/{}", job.id)).map_err(anyhow::Error::from)?;
    let status = if finished { StatusCode::OK } else { StatusCode::ACCEPTED };
    Ok((status, [(header::LOCATION, location)], axum::Json(job)).into_response())
}

/// An import's progress and outcome; any staff member may follow it (only owners and admins
/// start one). With `Accept: text/csv`, its row errors and warnings as a spreadsheet to fix the
/// file by: `line,column,severity,code,message`, in file order (the first 1,000 kept).
#[utoipa::path(get, path = "/v1/catalog/imports/{id}", tag = "catalog", summary = "Get an import",
    params(("id" = ImportId, Path, description = "Import id")),
    security(("staff_token" = [])),
    responses((status = 200, description = "The import, as JSON or (with `Accept: text/csv`) its row issues as CSV",
        content((ImportResponse = "application/json"), (String = "text/csv")))))]
#[tracing::instrument(skip_all)]
async fn get_import(
    State(state): State<AppState>,
    caller: AnyStaff,
    headers: HeaderMap,
    ApiPath(id): ApiPath<ImportId>,
) -> Result<Response> {
    let job = import::get(&state.db, caller.tenant, id, state.clock.now()).await?;
    if csv::wants_csv(&headers) {
        return csv::attachment(import::issues_csv(&job.errors)?, &format!("import-{id}-issues.csv"));
    }
    Ok(axum::Json(job).into_response())
}

/// The dealer's 50 most recent imports, newest first.
#[utoipa::path(get, path = "/v1/catalog/imports", tag = "catalog", summary = "List recent imports",
    security(("staff_token" = [])), responses((status = 200, body = ImportList)))]
#[tracing::instrument(skip_all)]
async fn list_imports(State(state): State<AppState>, caller: AnyStaff) -> Result<axum::Json<ImportList>> {
    Ok(axum::Json(
        import::recent(&state.db, caller.tenant, state.clock.now()).await?,
    ))
}
