//! `spawn_app()`: the real router on 127.0.0.1:0 with a fresh database (SQLite in a temp
//! dir, or a fresh schema on the PostgreSQL at `PARTSDESK_TEST_DATABASE_URL`) and a client
//! with typed helpers.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use partsdesk::app::AppState;
use partsdesk::clock::ManualClock;
use partsdesk::config::{Config, Secret};
use partsdesk::db::scratch::ScratchDatabase;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct-horse-battery";
pub const JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub state: AppState,
    _dir: tempfile::TempDir,
    /// Declared last: dropped after the state (and its connections); shared by the other
    /// nodes of one database ([`TestApp::another_node`]).
    database: Arc<ScratchDatabase>,
}

pub struct Session {
    pub token: String,
    pub tenant_id: String,
    pub user_id: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let postgres = std::env::var("PARTSDESK_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let scratch = ScratchDatabase::create(postgres.as_deref(), dir.path(), "t")
        .await
        .expect("a database of the test's own (is PARTSDESK_TEST_DATABASE_URL reachable?)");
    let url = scratch.url().to_owned();
    let db = scratch.connect(5).await.expect("connect");
    partsdesk::db::migrate(&db).await.expect("migrate");

    let mut config = Config {
        data_dir: dir.path().to_owned(),
        database_url: url,
        bind: "127.0.0.1:0".parse().expect("addr"),
        jwt_secret: Secret::new(JWT_SECRET.to_owned()),
        token_ttl: Duration::from_secs(3600),
        cors_origins: vec!["https://app.example-dealer.cn".to_owned()],
        request_timeout: Duration::from_secs(30),
        db_max_connections: 5,
        allow_private_webhooks: true,
        cookie_secure: false,
        // Tests run background work by hand, at the moment they choose.
        worker_interval: None,
        reminder_interval: Duration::from_secs(3600),
    };
    configure(&mut config);
    start(config, db, ManualClock::new(Utc::now()), dir, Arc::new(scratch)).await
}

async fn start(
    config: Config,
    db: sea_orm::DatabaseConnection,
    clock: ManualClock,
    dir: tempfile::TempDir,
    database: Arc<ScratchDatabase>,
) -> TestApp {
    let state = AppState::new(config, db, Arc::new(clock.clone())).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(partsdesk::app::serve(listener, state.clone(), std::future::pending()));
    TestApp {
        base,
        client: reqwest::Client::new(),
        clock,
        state,
        _dir: dir,
        database,
    }
}

impl TestApp {
    pub fn is_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    /// A second server on the same database, as behind a load balancer: its own data
    /// directory (index), caches and pool, the same clock.
    pub async fn another_node(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = self.database.connect(5).await.expect("connect");
        let mut config = (*self.state.config).clone();
        config.data_dir = dir.path().to_owned();
        start(config, db, self.clock.clone(), dir, Arc::clone(&self.database)).await
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, format!("{}{path}", self.base));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token)).send().await.expect("send")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("send")
    }

    /// A POST without a body (the action endpoints: send, cancel, done...).
    pub async fn post_empty(&self, path: &str, token: &str) -> Response {
        self.request(Method::POST, path, Some(token))
            .send()
            .await
            .expect("send")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("send")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token))
            .send()
            .await
            .expect("send")
    }

    pub async fn signup(&self, dealer: &str, email: &str) -> Session {
        let resp = self
            .post(
                "/v1/signup",
                None,
                &json!({ "dealer_name": dealer, "email": email, "password": PASSWORD }),
            )
            .await;
        let body = expect_json(resp, StatusCode::CREATED).await;
        Session {
            token: body["access_token"].as_str().expect("token").to_owned(),
            tenant_id: body["tenant"]["id"].as_str().expect("tenant").to_owned(),
            user_id: body["user"]["id"].as_str().expect("user").to_owned(),
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/v1/auth/login", None, &json!({ "email": email, "password": password }))
            .await
    }

    /// Adds a staff member with `role` and returns their logged-in session.
    pub async fn add_staff(&self, by: &Session, email: &str, role: &str) -> Session {
        let resp = self
            .post(
                "/v1/users",
                Some(&by.token),
                &json!({ "email": email, "name": email, "password": PASSWORD, "role": role }),
            )
            .await;
        let user = expect_json(resp, StatusCode::CREATED).await;
        let login = expect_json(self.login(email, PASSWORD).await, StatusCode::OK).await;
        Session {
            token: login["access_token"].as_str().expect("token").to_owned(),
            tenant_id: login["tenant"]["id"].as_str().expect("tenant").to_owned(),
            user_id: user["id"].as_str().expect("id").to_owned(),
        }
    }

    pub async fn create_customer(&self, token: &str, name: &str) -> Value {
        let resp = self
            .post(
                "/v1/customers",
                Some(token),
                &json!({ "name": name, "price_level": 10 }),
            )
            .await;
        expect_json(resp, StatusCode::CREATED).await
    }

    /// Issues a shop API key; returns (key id, secret).
    pub async fn issue_key(&self, token: &str, customer_id: &str) -> (String, String) {
        let resp = self
            .post(
                &format!("/v1/customers/{customer_id}/api-keys"),
                Some(token),
                &json!({ "name": "shop system" }),
            )
            .await;
        let body = expect_json(resp, StatusCode::CREATED).await;
        (
            body["id"].as_str().expect("id").to_owned(),
            body["secret"].as_str().expect("secret").to_owned(),
        )
    }
}

pub async fn expect_json(resp: Response, status: StatusCode) -> Value {
    let actual = resp.status();
    let text = resp.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Asserts an RFC 9457 problem with this status and code; returns the body.
pub async fn expect_problem(resp: Response, status: StatusCode, code: &str) -> Value {
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = expect_json(resp, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["code"], code, "body: {body}");
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["type"], format!("urn:partsdesk:problem:{code}"));
    assert!(body["title"].is_string() && body["detail"].is_string());
    assert!(
        body["request_id"].as_str().is_some_and(|id| !id.is_empty()),
        "body: {body}"
    );
    body
}

/// The fields named in a validation problem.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A shop of a dealer with a catalog: the dealer's owner session, the customer and its key.
pub struct Dealer {
    pub owner: Session,
    pub customer_id: String,
    pub key: String,
}

impl TestApp {
    /// A dealer with the sample catalog and one shop (price level 10 %) with an API key.
    pub async fn dealer_with_shop(&self, name: &str, email: &str) -> Dealer {
        let owner = self.signup(name, email).await;
        crate::catalog::load_catalog(self, &owner.token).await;
        let customer = self.create_customer(&owner.token, "老王汽修厂").await;
        let customer_id = customer["id"].as_str().expect("id").to_owned();
        let (_, key) = self.issue_key(&owner.token, &customer_id).await;
        Dealer {
            owner,
            customer_id,
            key,
        }
    }

    /// `POST /v1/inquiries` with an idempotency key.
    pub async fn send_inquiry(&self, key: &str, idempotency_key: &str, body: &Value) -> Response {
        self.request(Method::POST, "/v1/inquiries", Some(key))
            .header("idempotency-key", idempotency_key)
            .json(body)
            .send()
            .await
            .expect("send")
    }

    /// A new access token for a user (after the clock moved past the old one's lifetime).
    pub async fn fresh_token(&self, email: &str) -> String {
        self.fresh_token_with(email, PASSWORD).await
    }

    pub async fn fresh_token_with(&self, email: &str, password: &str) -> String {
        let login = expect_json(self.login(email, password).await, StatusCode::OK).await;
        login["access_token"].as_str().expect("token").to_owned()
    }

    /// The metric rollups (and the purchases by day) the writes kept equal the ones rebuilt from
    /// the history itself.
    pub async fn assert_rollups_rebuild_identically(&self, tenant_id: &str) {
        use partsdesk::db::TenantScoped;
        use partsdesk::entities::metric_rollups;
        let tenant = partsdesk::tenants::find(&self.state.db, tenant_id.parse().expect("tenant id"))
            .await
            .expect("tenant");
        let snapshot = || async {
            let mut rows = metric_rollups::Entity::scoped(tenant.id)
                .all(&self.state.db)
                .await
                .expect("rollups");
            // Times are kept in no particular order.
            let sorted = |text: &mut String| {
                let mut ms: Vec<i64> = partsdesk::metrics::rollup::split_ms(text).collect();
                ms.sort_unstable();
                *text = format!("{ms:?}");
            };
            for row in &mut rows {
                sorted(&mut row.response_ms);
                sorted(&mut row.dispatch_ms);
                sorted(&mut row.delivery_ms);
                sorted(&mut row.resolution_ms);
            }
            rows.sort_by(|a, b| (a.customer_id, &a.span, a.start).cmp(&(b.customer_id, &b.span, b.start)));
            rows
        };
        let kept = snapshot().await;
        assert!(!kept.is_empty(), "the history wrote no rollups");
        partsdesk::metrics::rollup::rebuild(&self.state.db, &tenant)
            .await
            .expect("rebuild");
        assert_eq!(kept, snapshot().await);

        // And the purchases by day the orders and cancellations kept.
        let purchases = || async {
            use partsdesk::entities::purchase_days;
            let mut rows = purchase_days::Entity::scoped(tenant.id)
                .all(&self.state.db)
                .await
                .expect("purchases");
            rows.sort_by_key(|r| (r.customer_id, r.part_id));
            rows
        };
        let kept = purchases().await;
        partsdesk::insights::purchases::rebuild(&self.state.db, &tenant)
            .await
            .expect("rebuild purchases");
        assert_eq!(kept, purchases().await);
    }

    /// Runs the background work (quote expiry, webhook delivery) once, as `serve` does.
    pub async fn run_jobs(&self) {
        partsdesk::jobs::run_once(&self.state).await;
    }
}

/// A request a test receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// Checks the signature as a receiver would, over `body` (to test tampering, pass another).
    pub fn signed_with(&self, secret: &str, body: &str) -> bool {
        let timestamp: i64 = self.header("webhook-timestamp").parse().expect("timestamp");
        partsdesk::webhooks::signing::verify(
            secret,
            &self.header("webhook-id"),
            timestamp,
            body,
            &self.header("webhook-signature"),
        )
    }
}

/// An HTTP receiver for webhooks: answers with the given statuses in turn (then 200), and
/// records every request.
pub struct Receiver {
    pub url: String,
    pub received: Arc<std::sync::Mutex<Vec<Received>>>,
}

pub async fn spawn_receiver(statuses: Vec<u16>) -> Receiver {
    use axum::http::HeaderMap;
    let received: Arc<std::sync::Mutex<Vec<Received>>> = Arc::default();
    let answers = Arc::new(std::sync::Mutex::new(std::collections::VecDeque::from(statuses)));
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            let answers = answers.clone();
            async move {
                let mut copied = reqwest::header::HeaderMap::new();
                for (name, value) in &headers {
                    if let (Ok(n), Ok(v)) = (
                        reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()),
                        reqwest::header::HeaderValue::from_bytes(value.as_bytes()),
                    ) {
                        copied.insert(n, v);
                    }
                }
                log.lock().expect("lock").push(Received { headers: copied, body });
                let status = answers.lock().expect("lock").pop_front().unwrap_or(200);
                axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url, received }
}

/// A browser session: the cookie's token and the CSRF token the log-in answered with.
pub struct CookieSession {
    pub token: String,
    pub csrf: String,
}

/// The `Set-Cookie` header of a response, whole.
pub fn set_cookie(resp: &Response) -> String {
    resp.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// `POST /v1/auth/session`.
    pub async fn session_login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/v1/auth/session",
            None,
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Logs in for a browser session.
    pub async fn cookie_session(&self, email: &str) -> CookieSession {
        self.cookie_session_with(email, PASSWORD).await
    }

    pub async fn cookie_session_with(&self, email: &str, password: &str) -> CookieSession {
        let resp = self.session_login(email, password).await;
        let cookie = set_cookie(&resp);
        let body = expect_json(resp, StatusCode::OK).await;
        let token = cookie
            .split(';')
            .next()
            .and_then(|pair| pair.strip_prefix("partsdesk_session="))
            .expect("session cookie")
            .to_owned();
        CookieSession {
            token,
            csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
        }
    }

    /// A request with the session cookie only (no CSRF token).
    pub fn with_cookie(&self, method: Method, path: &str, session: &CookieSession) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", format!("theme=dark; partsdesk_session={}", session.token))
    }

    /// A request with the session cookie and its CSRF token, as the console sends writes.
    pub fn with_session(&self, method: Method, path: &str, session: &CookieSession) -> RequestBuilder {
        self.with_cookie(method, path, session)
            .header("x-csrf-token", &session.csrf)
    }
}

/// Polls `check` for up to a second, the time a change made through one server may take to
/// reach another; fails naming `what` did not happen.
pub async fn within_a_second(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{what}: not within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two servers on one PostgreSQL database, as behind a load balancer; `None` on SQLite, which
/// serves one process.
pub async fn two_servers() -> Option<(TestApp, TestApp)> {
    let first = spawn_app().await;
    if !first.is_postgres() {
        return None;
    }
    let second = first.another_node().await;
    Some((first, second))
}
