//! Fixtures for the services' own tests, without HTTP: a scratch database with the migrations
//! applied (a fresh schema on the PostgreSQL at `PARTSDESK_TEST_DATABASE_URL` when set, else
//! SQLite), a search index with its indexer running, a clock the test moves, and shortcuts to a
//! dealer, a shop with its key, parts and a webhook receiver.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use search_index::SearchIndex;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::{Actor, Shop};
use crate::catalog::lexicon::Lexicons;
use crate::clock::{Clock, ManualClock};
use crate::db::scratch::ScratchDatabase;
use crate::entities::{Role, tenants, users};
use crate::ids::UserId;
use crate::search::indexer::Indexer;

/// Everything a service needs, fresh for one test.
pub struct World {
    pub db: DatabaseConnection,
    pub indexer: Arc<Indexer>,
    pub lexicons: Lexicons,
    pub clock: ManualClock,
    // Dropped after the connections above; the directory holds the index and any SQLite file.
    _database: ScratchDatabase,
    _dir: tempfile::TempDir,
}

/// A dealer and its owner, acting.
pub struct Dealer {
    pub tenant: tenants::Model,
    pub owner: Actor,
}

/// Parses a request body written as JSON, as the HTTP edge would.
pub fn body<T: DeserializeOwned>(json: Value) -> T {
    serde_json::from_value(json).expect("a well-formed request body")
}

impl World {
    pub async fn new() -> Self {
        let world = Self::idle().await;
        world.indexer.spawn();
        world
    }

    /// As [`Self::new`], with the indexer not running: changes wait in the outbox.
    pub async fn idle() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let postgres = std::env::var("PARTSDESK_TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty());
        let database = ScratchDatabase::create(postgres.as_deref(), dir.path(), "s")
            .await
            .expect("a database of the test's own (is PARTSDESK_TEST_DATABASE_URL reachable?)");
        let db = database.connect(5).await.expect("connect");
        crate::db::migrate(&db).await.expect("migrate");
        let index = SearchIndex::open(&dir.path().join("index")).expect("index");
        let indexer = Indexer::new(db.clone(), Arc::new(index));
        Self {
            db,
            indexer,
            lexicons: Lexicons::default(),
            // Whole seconds, so that times read back from PostgreSQL (microseconds) compare equal.
            clock: ManualClock::new(Utc::now().trunc_subsecs(0)),
            _database: database,
            _dir: dir,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A dealer in Shanghai time, in yuan, with its owner (who never signs in: services take
    /// the actor).
    pub async fn dealer(&self, name: &str) -> Dealer {
        let now = self.now();
        let slug = format!("{}-{}", name.to_lowercase(), uuid::Uuid::now_v7().simple());
        let tenant = crate::tenants::new_tenant(slug, name.to_owned(), "Asia/Shanghai".into(), "CNY".into(), now)
            .insert(&self.db)
            .await
            .expect("tenant");
        let owner = users::ActiveModel {
            id: Set(UserId::generate()),
            tenant_id: Set(tenant.id),
            email: Set(format!("owner-{}@example.com", uuid::Uuid::now_v7().simple())),
            name: Set("Owner".into()),
            role: Set(Role::Owner),
            password_hash: Set("unused".into()),
            credentials_changed_at: Set(now),
            session_generation: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .expect("owner");
        let owner = Actor {
            tenant: tenant.id,
            user: owner.id,
            role: Role::Owner,
        };
        Dealer { tenant, owner }
    }

    /// A customer of `dealer` with an API key, as the key's extractor would present it.
    pub async fn shop(&self, dealer: &Dealer, name: &str) -> Shop {
        let customer = crate::customers::create(
            &self.db,
            dealer.owner,
            body(serde_json::json!({ "name": name })),
            self.now(),
        )
        .await
        .expect("customer");
        let key = crate::api_keys::create(
            &self.db,
            dealer.owner,
            customer.id,
            body(serde_json::json!({})),
            self.now(),
        )
        .await
        .expect("key");
        Shop {
            tenant: dealer.tenant.id,
            key_id: key.key.id,
            customer,
        }
    }

    /// Adds a part (a `PartRequest` as JSON); searchable when this returns.
    pub async fn part(&self, dealer: &Dealer, part: Value) -> crate::catalog::parts::PartResponse {
        crate::catalog::parts::create(&self.db, &*self.indexer, dealer.tenant.id, body(part), self.now())
            .await
            .expect("part")
    }

    /// Sends an inquiry (a `CreateInquiryRequest` as JSON) under an idempotency key, as the
    /// HTTP edge does.
    pub async fn inquire(&self, shop: &Shop, key: &str, inquiry: Value) -> crate::error::Result<Inquired> {
        let request: crate::inquiries::CreateInquiryRequest = body(inquiry);
        let now = self.now();
        let key = crate::idempotency::Request::new(Some(key.as_bytes()), &request)?;
        let lexicon = self.lexicons.get(&self.db, shop.tenant).await?;
        let input = crate::inquiries::validate(&request, now, &lexicon.vehicles)?;
        let received =
            crate::inquiries::receive(&self.db, self.indexer.index(), &lexicon, shop, key, input, now).await?;
        Ok(Inquired {
            response: serde_json::from_str(&received.stored.body).expect("a stored response"),
            status: received.stored.status,
            replayed: received.replayed,
        })
    }

    /// A purchase now: the shop asks for `lines` (inquiry lines as JSON), staff send the
    /// draft as it is, the shop accepts all of it.
    pub async fn buy(&self, dealer: &Dealer, shop: &Shop, lines: Value) -> crate::orders::OrderResponse {
        let key = uuid::Uuid::now_v7().to_string();
        let inquiry = self
            .inquire(shop, &key, serde_json::json!({ "lines": lines }))
            .await
            .expect("inquiry");
        let quote = crate::quotes::load_for_inquiry(&self.db, dealer.tenant.id, inquiry.response.id)
            .await
            .expect("draft");
        crate::quotes::review::send(&self.db, dealer.owner, quote.quote.id, self.now())
            .await
            .expect("sent");
        crate::quotes::decisions::accept(&self.db, shop, quote.quote.id, body(serde_json::json!({})), self.now())
            .await
            .expect("accepted")
            .order
    }
}

/// What the shop got back for an inquiry.
#[derive(Debug)]
pub struct Inquired {
    pub response: crate::inquiries::ShopInquiryResponse,
    pub status: u16,
    pub replayed: bool,
}

/// A request a receiver got.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Delivered {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// An HTTP endpoint on 127.0.0.1 that answers with `statuses` in turn (then 200) and records
/// every request, for delivery tests.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Delivered>>>,
}

impl Receiver {
    pub async fn spawn(statuses: Vec<u16>) -> Self {
        let received: Arc<Mutex<Vec<Delivered>>> = Arc::default();
        let answers = Arc::new(Mutex::new(VecDeque::from(statuses)));
        let log = Arc::clone(&received);
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
                let log = Arc::clone(&log);
                let answers = Arc::clone(&answers);
                async move {
                    log.lock().expect("lock").push(Delivered { headers, body });
                    let status = answers.lock().expect("lock").pop_front().unwrap_or(200);
                    axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, received }
    }

    pub fn requests(&self) -> Vec<Delivered> {
        self.received.lock().expect("lock").clone()
    }
}
