//! Replenishment reminders: from each customer's purchase history, who is about to need a part
//! again, so the dealer calls before a competitor does; and whether the call led to an order.

pub mod engine;
pub mod predict;
pub mod routes;
pub mod service;
#[cfg(test)]
mod tests;
