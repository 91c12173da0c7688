//! Insights: what the dealer's inquiry history says to do next. Unmet demand ([`demand`]):
//! what shops asked for that the dealer could not supply, grouped by what was asked, and why.

pub mod demand;
pub mod routes;
