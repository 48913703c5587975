//! Reads about cases: every treatment of a case number across meetings, and
//! the earlier treatments items list under "Sagsforløb:".

use super::Reader;
use crate::model::{ItemFlags, ItemId, MeetingId};
use crate::Result;
use chrono::NaiveDate;
use serde::Serialize;

/// One treatment of a case at a meeting.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Treatment {
    /// The body that treated it.
    pub body: String,
    /// The meeting day.
    pub date: Option<NaiveDate>,
    /// The item number.
    pub item_number: Option<u32>,
    /// The item title (or the "Sagsforløb:" line for treatments only listed there).
    pub title: String,
    /// The decision, where known.
    pub decision: Option<String>,
    /// Referred, postponed, foretræde.
    #[cfg_attr(
        any(test, feature = "ts"),
        ts(type = "{ referred: boolean, postponed: boolean, foretraede: boolean }")
    )]
    pub flags: ItemFlags,
    /// The stored item; `None` for a treatment known only from "Sagsforløb:".
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub item: Option<ItemId>,
    /// The stored item's meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number | null"))]
    pub meeting: Option<MeetingId>,
    /// The meeting was withdrawn from its source.
    pub withdrawn: bool,
    /// A closed (lukket) item, or a line known only from a closed item's text.
    pub closed: bool,
}

/// What a query written as a case number asks for: the stored number's
/// ending ("-2024-001773", or "-001773" for any year), upper-case.
/// Understood: "EMN-2024-001773", "2024-1773", "2024-001773" and a six-digit
/// "001773"; a bare year or a short number is not a case number.
pub fn case_number_ending(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c| c == '"' || c == '»' || c == '«');
    if t.is_empty() || t.contains(char::is_whitespace) {
        return None;
    }
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let serial = |p: &str| (digits(p) && p.len() <= 6).then(|| format!("{:0>6}", p));
    match parts.as_slice() {
        [prefix, year, n]
            if prefix.chars().all(char::is_alphabetic) && digits(year) && year.len() == 4 =>
        {
            Some(format!("{}-{year}-{}", prefix.to_uppercase(), serial(n)?))
        }
        [year, n] if digits(year) && year.len() == 4 => Some(format!("-{year}-{}", serial(n)?)),
        [n] if digits(n) && n.len() == 6 => Some(format!("-{n}")),
        _ => None,
    }
}

impl Reader<'_> {
    /// Stored case numbers that end as `ending` does ([`case_number_ending`]),
    /// newest first, at most five.
    pub fn cases_ending(&self, ending: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT number FROM cases WHERE upper(number) = ?1 OR upper(number) LIKE '%' || ?1
              ORDER BY number DESC LIMIT 5",
        )?;
        let rows = stmt
            .query_map([ending], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every treatment of the case, oldest first: stored items with this case
    /// number (fixed items excluded: they share numbers without being one case),
    /// then earlier treatments that only "Sagsforløb:" blocks mention.
    pub fn case_history(&self, case_number: &str) -> Result<Vec<Treatment>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.name, m.date, i.number, i.title, i.decision, i.referred, i.postponed,
                    i.foretraede, i.id, m.withdrawn_at IS NOT NULL, i.closed, m.id
               FROM items i JOIN meetings m ON m.id = i.meeting_id JOIN bodies b ON b.id = m.body_id
              WHERE i.case_number = ?1 AND i.kind <> 'fixed'
              ORDER BY m.date, b.name, i.number",
        )?;
        let mut treatments: Vec<Treatment> = stmt
            .query_map([case_number], |r| {
                Ok(Treatment {
                    body: r.get(0)?,
                    date: r.get(1)?,
                    item_number: r.get(2)?,
                    title: r.get(3)?,
                    decision: r.get(4)?,
                    flags: ItemFlags {
                        referred: r.get(5)?,
                        postponed: r.get(6)?,
                        foretraede: r.get(7)?,
                    },
                    item: Some(ItemId(r.get(8)?)),
                    meeting: Some(MeetingId(r.get(11)?)),
                    withdrawn: r.get(9)?,
                    closed: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut listed = self.conn.prepare(
            "SELECT h.body_name, h.date, h.item_number, h.line, MIN(i.closed)
               FROM item_history h JOIN items i ON i.id = h.item_id
              WHERE i.case_number = ?1 AND i.kind <> 'fixed'
              GROUP BY h.body_name, h.date, h.item_number, h.line",
        )?;
        let only_listed: Vec<Treatment> = listed
            .query_map([case_number], |r| {
                Ok(Treatment {
                    body: r.get(0)?,
                    date: r.get(1)?,
                    item_number: r.get(2)?,
                    title: r.get(3)?,
                    decision: None,
                    flags: ItemFlags::default(),
                    item: None,
                    meeting: None,
                    withdrawn: false,
                    closed: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for t in only_listed {
            let known = treatments
                .iter()
                .any(|s| s.date == t.date && s.body.eq_ignore_ascii_case(&t.body));
            if !known
                && !treatments
                    .iter()
                    .any(|s| s.item.is_none() && s.title == t.title)
            {
                treatments.push(t);
            }
        }
        treatments.sort_by_key(|t| (t.date, t.item.is_some()));
        Ok(treatments)
    }
}

#[cfg(test)]
mod tests {
    use super::case_number_ending;

    #[test]
    fn a_case_number_is_understood_in_its_usual_spellings() {
        let e = |t: &str| case_number_ending(t);
        assert_eq!(e("EMN-2024-001773").as_deref(), Some("EMN-2024-001773"));
        assert_eq!(e("emn-2024-1773").as_deref(), Some("EMN-2024-001773"));
        assert_eq!(e("2024-1773").as_deref(), Some("-2024-001773"));
        assert_eq!(e(" 2024-001773 ").as_deref(), Some("-2024-001773"));
        assert_eq!(e("001773").as_deref(), Some("-001773"));
        for not in [
            "2024",
            "1773",
            "budget 2024",
            "2024-",
            "EMN-24-1",
            "1234567",
            "a-b",
        ] {
            assert_eq!(e(not), None, "{not}");
        }
    }
}
