//! The statistics as CSV, written once for every caller (the CLI's
//! `stats --format csv` and the HTTP API's download): a header of the JSON
//! keys of a row, then one line per body and period.

use crate::stats::{Stats, StatsRow};
use crate::{Error, Result};
use serde_json::Value;

/// The CSV columns, in order: the JSON keys of a [`StatsRow`].
pub const STATS_CSV_COLUMNS: &[&str] = &[
    "body_id",
    "body",
    "body_short",
    "period",
    "period_start",
    "period_end",
    "meetings",
    "meetings_with_times",
    "meeting_hours",
    "avg_meeting_hours",
    "items",
    "briefings",
    "referred",
    "attachments",
    "pages",
    "attachments_without_pages",
];

/// One CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => csv_field(s),
        other => csv_field(&other.to_string()),
    }
}

/// The rows as CSV: one header line of [`STATS_CSV_COLUMNS`], then one line per row.
pub fn stats_csv(rows: &[StatsRow]) -> Result<String> {
    let mut out = STATS_CSV_COLUMNS.join(",");
    out.push('\n');
    for row in rows {
        let v = serde_json::to_value(row).map_err(|e| Error::Invalid(e.to_string()))?;
        let fields: Vec<String> = STATS_CSV_COLUMNS
            .iter()
            .map(|c| {
                v.get(*c)
                    .map(csv_value)
                    .ok_or_else(|| Error::Invalid(format!("kolonnen {c} mangler")))
            })
            .collect::<Result<_>>()?;
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    Ok(out)
}

impl Stats {
    /// These statistics as CSV (see [`stats_csv`]).
    pub fn to_csv(&self) -> Result<String> {
        stats_csv(&self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_one_line_per_row() {
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_field("Teknisk Udvalg"), "Teknisk Udvalg");
        let row = StatsRow {
            body_id: crate::model::BodyId(3),
            body: "Børn og Unge-udvalget, BUU".into(),
            body_short: None,
            period: "2023".into(),
            period_start: chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            period_end: chrono::NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
            meetings: 20,
            meetings_with_times: 19,
            meeting_hours: 38.5,
            avg_meeting_hours: Some(2.03),
            items: 113,
            briefings: 4,
            referred: 15,
            attachments: 300,
            pages: 3882,
            attachments_without_pages: 0,
        };
        let csv = stats_csv(&[row]).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].split(',').count(), STATS_CSV_COLUMNS.len());
        assert_eq!(
            lines[1],
            "3,\"Børn og Unge-udvalget, BUU\",,2023,2023-01-01,2023-12-31,20,19,38.5,2.03,113,4,15,300,3882,0"
        );
    }
}
