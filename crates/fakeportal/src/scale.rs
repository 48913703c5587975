//! A portal at Aarhus' size: the demo corpus' bodies and meetings (real PDFs),
//! widened to 70 bodies and ten listed years, as a live FirstAgenda list is.
//! The added meetings carry small text PDFs rendered on request, so the size
//! costs no disk: one short item with one bilag each.

use crate::data::{
    guid, hash_u64, source_id, FakeBilag, FakeBody, FakeField, FakeItem, FakeMeeting, PdfSource,
    PortalData, PERIOD_2022_2025,
};
use chrono::{Datelike, Duration, NaiveDate};

/// Bodies of an Aarhus-size list.
pub const BODIES: usize = 70;

/// The first listed year.
pub const FIRST_YEAR: i32 = 2015;

/// Meetings a year of each added body.
const PER_YEAR: u32 = 11;

/// Added bodies that still meet (the others stopped before 2021, as
/// committees of earlier election periods do).
const ACTIVE: usize = 10;

/// Names of the added bodies: the councils, boards and temporary committees
/// a big municipality lists besides its standing committees.
const KINDS: [&str; 6] = [
    "Lokaludvalget for",
    "Midlertidigt udvalg om",
    "Dialogforum for",
    "Bestyrelsen for",
    "Rådet for",
    "Projektudvalget for",
];
const TOPICS: [&str; 12] = [
    "havnen",
    "midtbyen",
    "skovene",
    "idrætten",
    "letbanen",
    "ældreområdet",
    "klimaet",
    "kulturarven",
    "beskæftigelsen",
    "boligområderne",
    "vandmiljøet",
    "trafiksikkerheden",
];

impl PortalData {
    /// Widens the portal to [`BODIES`] bodies and meetings back to
    /// [`FIRST_YEAR`]: the demo's bodies get meetings in the years before
    /// their own (up to 2020), and new bodies meet eleven times a year,
    /// [`ACTIVE`] of them up to the demo's last year and the rest until 2020.
    pub fn widen_to_aarhus_size(&mut self) {
        let last_year = self
            .meetings()
            .map(|(_, m)| m.date.year())
            .max()
            .unwrap_or(2024);
        for b in &mut self.bodies {
            let name = b.name.clone();
            for year in FIRST_YEAR..=2020 {
                b.meetings.extend(meetings_of(&name, year));
            }
        }
        let mut n = 0;
        while self.bodies.len() < BODIES {
            let name = format!(
                "{} {}",
                KINDS[n % KINDS.len()],
                TOPICS[(n / KINDS.len()) % TOPICS.len()]
            );
            let until = if n < ACTIVE { last_year } else { 2020 };
            self.bodies.push(FakeBody {
                id: guid(&format!("body|{name}")),
                meetings: (FIRST_YEAR..=until)
                    .flat_map(|year| meetings_of(&name, year))
                    .collect(),
                name,
                period: PERIOD_2022_2025.to_string(),
            });
            n += 1;
        }
    }
}

/// One body's [`PER_YEAR`] meetings of a year, as published minutes.
fn meetings_of(body: &str, year: i32) -> Vec<FakeMeeting> {
    (0..PER_YEAR)
        .filter_map(|k| {
            // Spread over the year, on a weekday fixed per body.
            let day = 10 + k * 32 + (hash_u64(body) % 7) as u32;
            let date = NaiveDate::from_yo_opt(year, day)?;
            Some(meeting(body, date))
        })
        .collect()
}

fn meeting(body: &str, date: NaiveDate) -> FakeMeeting {
    let key = format!("{body}|{date}|skala");
    let title = format!("Drøftelse af årsplanen for {}", date.year());
    let text = format!(
        "{body} drøftede på mødet den {} årsplanen og de sager, der ventes i det kommende halvår. \
         Forvaltningen orienterede om økonomien og om høringssvar fra borgere og foreninger.",
        date.format("%d.%m.%Y")
    );
    FakeMeeting {
        id: guid(&format!("meeting|{key}")),
        date,
        begin_utc: None,
        end_utc: None,
        released: (date + Duration::days(2))
            .and_hms_opt(10, 0, 0)
            .unwrap_or_default(),
        place: Some("Rådhuset".into()),
        finished: true,
        name: "Referat".into(),
        supplementary: false,
        source_id: source_id(&format!("meeting|{key}")),
        items: vec![FakeItem {
            id: guid(&format!("item|{key}")),
            agenda_uid: guid(&format!("agendauid|{key}")),
            number: 1,
            open: true,
            case_number: None,
            source_id: source_id(&format!("item|{key}")),
            title: title.clone(),
            fields: vec![FakeField {
                name: "Resume".into(),
                html: Some(format!("<p>{}</p>", crate::html::escape(&text))),
                document: None,
            }],
            bilag: vec![FakeBilag {
                id: guid(&format!("bilag|{key}")),
                title: format!("Bilag 1 - {title}"),
                order: 1,
                pdf: PdfSource::Generated {
                    title: title.into(),
                    text: text.into(),
                },
            }],
            decision: Some("<p>Drøftet.</p>".into()),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aarhus_size_list_has_seventy_bodies_ten_years_and_five_thousand_entries() {
        let mut data = PortalData::default();
        data.widen_to_aarhus_size();
        assert_eq!(data.bodies.len(), BODIES);
        let years: std::collections::BTreeSet<i32> =
            data.meetings().map(|(_, m)| m.date.year()).collect();
        assert!(years.len() >= 10, "{years:?}");
        assert!(
            data.meetings().count() >= 5000,
            "{}",
            data.meetings().count()
        );
        let ids: std::collections::BTreeSet<&str> =
            data.meetings().map(|(_, m)| m.id.as_str()).collect();
        assert_eq!(ids.len(), data.meetings().count(), "unique ids");
        let (_, m) = data.meetings().next().unwrap();
        let pdf = m.items[0].bilag[0].pdf.read().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
