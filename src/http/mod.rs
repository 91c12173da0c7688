//! Cross-cutting HTTP plumbing: extractors that answer bad input with problem+json, request
//! ids, metrics and the middleware stack.

pub mod console;
pub mod csv;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod problem;
pub mod request_id;
pub mod state;

pub use state::AppState;
