//! Replenishment reminders: from each customer's purchase history, who is about to need a part
//! again, so the dealer calls before a competitor does; and whether the call led to an order.

pub mod engine;
pub mod predict;
pub mod routes;

/// Reminder states.
pub mod status {
    pub const DUE: &str = "due";
    pub const SNOOZED: &str = "snoozed";
    /// The customer was contacted.
    pub const DONE: &str = "done";
    pub const DISMISSED: &str = "dismissed";
    pub const CONVERTED: &str = "converted";
    pub const ALL: [&str; 5] = [DUE, SNOOZED, DONE, DISMISSED, CONVERTED];
    /// States in which an order can still convert the reminder.
    pub const OPEN: [&str; 3] = [DUE, SNOOZED, DONE];
}
