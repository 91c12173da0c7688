//! The OpenAPI 3.1 document, generated from the handlers' annotations. `partsdesk openapi`
//! prints it; the committed `openapi.yaml` must equal that output (a test checks).

use std::sync::LazyLock;

use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;
use crate::http::problem::{PROBLEM_CONTENT_TYPE, Problem};

const DESCRIPTION: &str = r#"partsdesk answers repair shops' parts inquiries for auto-parts dealers.

## Callers
* **Dealer staff** log in (`POST /v1/auth/login`) and send the access token as `Authorization: Bearer <token>` (scheme `staff_token`). In a browser they log in with `POST /v1/auth/session` instead, which sets an HttpOnly session cookie (scheme `staff_session`); every staff endpoint accepts either, and with the cookie every request other than GET, HEAD and OPTIONS must send the session's `X-CSRF-Token` (else 403 `csrf_failed`).
* **Repair shops** call the `/v1/shop/...` endpoints with an API key their dealer issued, as `Authorization: Bearer psk_...` or `X-Api-Key: psk_...` (schemes `shop_key`, `shop_key_header`). A shop key reaches only shop endpoints, a staff token only staff endpoints.

Every resource belongs to one dealer. A resource of another dealer answers 404, exactly as one that does not exist.

## Staff permissions
| action | owner | admin | sales | viewer |
|---|---|---|---|---|
| read own profile (`/v1/me`) | yes | yes | yes | yes |
| read customers and their timeline | yes | yes | yes | yes |
| create / edit customers | yes | yes | yes | no |
| archive customers, manage shop API keys | yes | yes | no | no |
| list / add / edit / remove staff | yes | admins manage `sales` and `viewer` only | no | no |
| read the catalog, search, export, follow imports | yes | yes | yes | yes |
| edit parts, import, set synonyms and vehicle aliases | yes | yes | no | no |
| read inquiries, quotes, orders; follow the live stream | yes | yes | yes | yes |
| claim an inquiry, release one's own claim | yes | yes | yes | no |
| release another's claim | yes | yes | no | no |
| edit, send, cancel quotes | yes | yes | yes | no |
| manage webhooks, change settings | yes | yes | no | no |
| read metrics and reminders | yes | yes | yes | yes |
| act on reminders, run reminders | yes | yes | yes | no |

Nobody changes their own role or removes themselves; the owner account is not managed through the staff API. A role change takes effect on the next request. A password change or an owner's reset ends every session issued before it.

## Errors
Every error is `application/problem+json` (RFC 9457): `type` (`urn:partsdesk:problem:<code>`), `title`, `status`, `detail`, a stable `code`, `errors[]` (each invalid field as a JSON pointer such as `/email`, or `query.<name>` / `path`), and the `request_id` (also in the `x-request-id` response header).

## Limits
| what | limit |
|---|---|
| request line | path and query 16 KiB (414 `uri_too_long`) |
| request headers | 100 headers, 64 KiB in all (431 `headers_too_large`, naming the largest); past 64 KiB of request target, 2 MiB or 400 headers the HTTP parser answers a bare 414/431 and closes the connection; the head must arrive within 30 s |
| JSON request body | 1 MiB (413 `payload_too_large`) |
| catalog import file | 1 GiB and 2,000,000 rows; `?wait=true` waits for up to 100,000 rows |
| part | SKU 64, name 200, brand/category/unit 100, description 2,000 characters; 2,000 numbers of 64 characters, 500 fitments, 8 KiB of attributes; price up to 1,000,000,000.00 with two decimals; stock 0-1,000,000,000 |
| search | `q` 200 characters; 1-100 hits per page; paging stops at 10,000 hits |
| synonyms | 1,000 groups of 2-20 words of 50 characters |
| vehicle aliases | 2,000 aliases of 2-30 characters; make 50, model 80 characters |
| page size (`limit`) | 1-200, default 50 |
| names (dealer, customer, contact, staff, key label) | 200 characters |
| email | 254 characters |
| phone | 40 characters |
| address | 500 characters |
| notes | 2,000 characters |
| password | 10-128 characters |
| failed logins | 5 per email and 50 per client address per 15 minutes (429 with `Retry-After`) |
| request time | 30 s by default (503 `timeout`) |
| inquiry | 1-200 lines; text 500, part number 64, brand 100, note 500, reference 100 characters; quantity 1-10,000 |
| `Idempotency-Key` | 1-255 visible ASCII characters, remembered 24 hours |
| quote | up to 3 options per line; quantity 1-10,000; validity 1-720 hours (default 72); rejection reason 500 characters |
| webhooks | 20 endpoints per dealer; URL 2,000 characters, http(s) on public addresses only; 10 s per attempt |
| metrics | a period of at most 731 days; at most 400 buckets in a series |
| reminders | snooze up to 90 days ahead; settings: lead 0-60 days, window 1-90 days, 1-14 contacts a week |
| inbox | a claim lasts 15 minutes from when it was last taken; response target 1-1440 minutes (default 15) |
| live stream | 32 open streams per dealer on one server (429 `rate_limited` beyond); a comment line every 15 s when idle |

Lists use cursor pagination: pass the `next_cursor` of a page as `cursor` to get the next one. A list's `from` and `to` filters take a day in the dealer's time zone (`2026-12-01`; `to` includes the whole day) or an RFC 3339 instant (`to` excludes it). Request bodies reject unknown fields.
"#;

#[derive(OpenApi)]
#[openapi(
    info(title = "partsdesk API", description = DESCRIPTION),
    // Enums used only in query parameters: the router collects the schemas of bodies, not these.
    components(schemas(
        Problem,
        crate::error::FieldError,
        crate::catalog::import::Mode,
        crate::metrics::report::SortBy,
        crate::metrics::report::SortOrder,
        crate::insights::demand::DemandSort,
        crate::insights::pricing::PricingGroup,
        crate::insights::pricing::PricingFlag,
        crate::insights::pricing::PricingSort,
        crate::insights::restock::RestockSort,
        crate::search::FacetCounting
    )),
    tags(
        (name = "auth", description = "Sign-up and log-in"),
        (name = "staff", description = "The signed-in user and the dealer's staff"),
        (name = "customers", description = "The dealer's customers (repair shops)"),
        (name = "catalog", description = "The dealer's parts catalog"),
        (name = "search", description = "Catalog search by number, name and vehicle"),
        (name = "inquiries", description = "Shops' inquiries, matched to the catalog as they arrive"),
        (name = "quotes", description = "The dealer's answers: review, edit, send, cancel"),
        (name = "orders", description = "Purchases made by accepting quotes"),
        (name = "returns", description = "After-sales: shops return delivered parts; staff accept, reject and resolve"),
        (name = "webhooks", description = "Signed notifications to the dealer's systems"),
        (name = "metrics", description = "Touchpoint metrics: quote rate, purchase rate, response time, auto-match rate"),
        (name = "insights", description = "What the dealer's history says to do next: unmet demand"),
        (name = "reminders", description = "Replenishment reminders and the day's call list"),
        (name = "notifications", description = "Messages to the dealer's staff: WeCom, DingTalk and Feishu robots, e-mail"),
        (name = "settings", description = "The dealer's settings"),
        (name = "stream", description = "The dealer's events, live (server-sent events)"),
        (name = "shop keys", description = "API keys that let a shop's own system call partsdesk"),
        (name = "shop", description = "Endpoints for repair shops, with their API key"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    )
)]
struct ApiDoc;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::auth::routes::routes())
        .merge(crate::tenants::routes::routes())
        .merge(crate::users::routes::routes())
        .merge(crate::customers::routes::routes())
        .merge(crate::api_keys::routes::routes())
        .merge(crate::catalog::routes::parts())
        .merge(crate::catalog::routes::synonyms())
        .merge(crate::vehicles::routes::routes())
        .merge(crate::search::routes::routes())
        .merge(crate::catalog::routes::imports())
        .merge(crate::catalog::routes::export())
        .merge(crate::inquiries::routes::routes())
        .merge(crate::matching::routes::routes())
        .merge(crate::quotes::routes::routes())
        .merge(crate::orders::routes::routes())
        .merge(crate::returns::routes::routes())
        .merge(crate::webhooks::routes::routes())
        .merge(crate::metrics::routes::routes())
        .merge(crate::insights::routes::routes())
        .merge(crate::reminders::routes::routes())
        .merge(crate::notifications::routes::routes())
        .merge(crate::events::routes::routes())
        .merge(crate::ops::routes())
        .routes(routes!(openapi_json))
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", summary = "OpenAPI document", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> Response {
    axum::Json(document()).into_response()
}

/// Routes that must not be cut off by the request timeout (large uploads).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(crate::catalog::routes::uploads())
}

static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
    let (_, mut doc) = api_router().merge(upload_router()).split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    add_security_schemes(&mut doc);
    add_error_responses(&mut doc);
    doc
});

pub fn document() -> &'static utoipa::openapi::OpenApi {
    &DOCUMENT
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}

fn add_security_schemes(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "staff_token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("Access token from `POST /v1/auth/login` or `POST /v1/signup`"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "staff_session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "partsdesk_session",
            "Browser session cookie from `POST /v1/auth/session`; writes also need `X-CSRF-Token`",
        ))),
    );
    components.add_security_scheme(
        "shop_key",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("A shop API key (`psk_...`)"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "shop_key_header",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Api-Key",
            "A shop API key (`psk_...`)",
        ))),
    );
}

/// The error responses every operation can give, added once here instead of on every
/// handler: which ones apply follows from the operation's security, parameters and body.
fn add_error_responses(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            add_to_operation(op);
        }
    }
}

fn add_to_operation(op: &mut Operation) {
    let secured = op
        .security
        .as_ref()
        .is_some_and(|reqs| reqs.iter().any(|r| r != &Default::default()));
    let staff_token = secured && serde_json::to_string(&op.security).is_ok_and(|s| s.contains("staff_token"));
    let staff = staff_token || serde_json::to_string(&op.security).is_ok_and(|s| s.contains("staff_session"));
    // Every endpoint open to a staff token is open to a browser session too.
    if staff_token && let Some(security) = op.security.as_mut() {
        security.push(SecurityRequirement::new("staff_session", Vec::<String>::new()));
    }
    let has_body = op.request_body.is_some();
    let has_path_params = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path)))
    });
    let has_query = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)))
    });

    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM_CONTENT_TYPE,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        });
    };
    if has_body || has_path_params {
        add("400", "Malformed JSON (`malformed_json`) or id (`invalid_id`)");
    }
    if secured {
        add(
            "401",
            "Missing, invalid or expired credentials (`missing_credentials`, `invalid_token`, `token_expired`, `invalid_session`, `invalid_api_key`)",
        );
    }
    if staff {
        add(
            "403",
            "The caller's role does not allow this (`forbidden`), or a write with the session cookie lacks its `X-CSRF-Token` (`csrf_failed`)",
        );
    }
    if has_path_params {
        add("404", "No such resource for this dealer (`not_found`)");
    }
    if has_body {
        add("413", "Body larger than 1 MiB (`payload_too_large`)");
        add("415", "Body is not `application/json` (`unsupported_media_type`)");
    }
    if has_body || has_query {
        add("422", "Invalid fields, each named in `errors` (`validation_failed`)");
    }
    add(
        "500",
        "Unexpected server error (`internal`); nothing about it is disclosed",
    );
}
