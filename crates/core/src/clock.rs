//! Today's date: the computer's local day, or the day `MOEDEMAPPE_TODAY`
//! names (YYYY-MM-DD), so tests and demos can pin it.

use chrono::NaiveDate;

/// The environment variable that pins today's date.
pub const TODAY_VAR: &str = "MOEDEMAPPE_TODAY";

/// Today: `MOEDEMAPPE_TODAY` when it holds a date, else the local day.
pub fn today() -> NaiveDate {
    std::env::var(TODAY_VAR)
        .ok()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}
