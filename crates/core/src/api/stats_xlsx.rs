//! The statistics as an Excel workbook (`.xlsx`, written with
//! rust_xlsxwriter), for people: Danish headers, numbers as numbers, dates as
//! dates, one sheet per view of Statistik — every body and period
//! ("Pr. periode") and each body's totals over the whole range
//! ("Pr. udvalg"). The CSV stays the format for programs.

use crate::stats::{Stats, StatsRow};
use crate::{Error, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;

/// The headers of the sheet "Pr. periode", one per column.
pub const XLSX_PERIOD_HEADERS: &[&str] = &[
    "Udvalg",
    "Forkortelse",
    "Periode",
    "Fra",
    "Til",
    "Møder",
    "Møder med tider",
    "Mødetimer",
    "Gns. mødetimer",
    "Punkter",
    "Skriftlige orienteringer",
    "Henviste sager",
    "Bilag",
    "Bilagssider",
    "Bilag uden sidetal",
];

/// The headers of the sheet "Pr. udvalg".
pub const XLSX_BODY_HEADERS: &[&str] = &[
    "Udvalg",
    "Forkortelse",
    "Møder",
    "Mødetimer",
    "Punkter",
    "Skriftlige orienteringer",
    "Henviste sager",
    "Bilag",
    "Bilagssider",
];

fn failed(e: XlsxError) -> Error {
    Error::Invalid(format!("Excel-filen kunne ikke skrives: {e}"))
}

fn date(d: chrono::NaiveDate) -> Result<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(failed)
}

/// Bold headers on a frozen first row, and columns wide enough to read.
fn headers(sheet: &mut Worksheet, names: &[&str]) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
        let width = if c == 0 {
            32.0
        } else {
            (name.chars().count() as f64 + 2.0).max(10.0)
        };
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn period_sheet(sheet: &mut Worksheet, rows: &[StatsRow]) -> Result<()> {
    let whole = Format::new().set_num_format("#,##0");
    let hours = Format::new().set_num_format("#,##0.00");
    let day = Format::new().set_num_format("dd-mm-yyyy");
    sheet.set_name("Pr. periode").map_err(failed)?;
    headers(sheet, XLSX_PERIOD_HEADERS).map_err(failed)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let put = |sheet: &mut Worksheet| -> std::result::Result<(), XlsxError> {
            sheet.write_string(row, 0, &r.body)?;
            if let Some(short) = &r.body_short {
                sheet.write_string(row, 1, short)?;
            }
            sheet.write_string(row, 2, &r.period)?;
            Ok(())
        };
        put(sheet).map_err(failed)?;
        sheet
            .write_datetime_with_format(row, 3, &date(r.period_start)?, &day)
            .map_err(failed)?;
        sheet
            .write_datetime_with_format(row, 4, &date(r.period_end)?, &day)
            .map_err(failed)?;
        let numbers: [(u16, f64, &Format); 9] = [
            (5, r.meetings as f64, &whole),
            (6, r.meetings_with_times as f64, &whole),
            (7, r.meeting_hours, &hours),
            (9, r.items as f64, &whole),
            (10, r.briefings as f64, &whole),
            (11, r.referred as f64, &whole),
            (12, r.attachments as f64, &whole),
            (13, r.pages as f64, &whole),
            (14, r.attachments_without_pages as f64, &whole),
        ];
        for (c, v, f) in numbers {
            sheet
                .write_number_with_format(row, c, v, f)
                .map_err(failed)?;
        }
        if let Some(avg) = r.avg_meeting_hours {
            sheet
                .write_number_with_format(row, 8, avg, &hours)
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// One body's sums over every period.
#[derive(Default)]
struct Totals {
    short: Option<String>,
    meetings: u64,
    hours: f64,
    items: u64,
    briefings: u64,
    referred: u64,
    attachments: u64,
    pages: u64,
}

fn body_sheet(sheet: &mut Worksheet, rows: &[StatsRow]) -> Result<()> {
    let whole = Format::new().set_num_format("#,##0");
    let hours = Format::new().set_num_format("#,##0.00");
    sheet.set_name("Pr. udvalg").map_err(failed)?;
    headers(sheet, XLSX_BODY_HEADERS).map_err(failed)?;
    let mut bodies: BTreeMap<&str, Totals> = BTreeMap::new();
    for r in rows {
        let t = bodies.entry(&r.body).or_default();
        t.short.clone_from(&r.body_short);
        t.meetings += r.meetings;
        t.hours += r.meeting_hours;
        t.items += r.items;
        t.briefings += r.briefings;
        t.referred += r.referred;
        t.attachments += r.attachments;
        t.pages += r.pages;
    }
    for (i, (body, t)) in bodies.iter().enumerate() {
        let row = i as u32 + 1;
        let put = |sheet: &mut Worksheet| -> std::result::Result<(), XlsxError> {
            sheet.write_string(row, 0, *body)?;
            if let Some(short) = &t.short {
                sheet.write_string(row, 1, short)?;
            }
            sheet.write_number_with_format(row, 2, t.meetings as f64, &whole)?;
            sheet.write_number_with_format(row, 3, (t.hours * 100.0).round() / 100.0, &hours)?;
            sheet.write_number_with_format(row, 4, t.items as f64, &whole)?;
            sheet.write_number_with_format(row, 5, t.briefings as f64, &whole)?;
            sheet.write_number_with_format(row, 6, t.referred as f64, &whole)?;
            sheet.write_number_with_format(row, 7, t.attachments as f64, &whole)?;
            sheet.write_number_with_format(row, 8, t.pages as f64, &whole)?;
            Ok(())
        };
        put(sheet).map_err(failed)?;
    }
    Ok(())
}

impl Stats {
    /// These statistics as an `.xlsx` workbook (see the module).
    pub fn to_xlsx(&self) -> Result<Vec<u8>> {
        let mut book = Workbook::new();
        // Dated by the figures' last day, not the clock: the same figures
        // give the same file.
        let last = self.rows.iter().map(|r| r.period_end).max();
        let day =
            last.unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"));
        book.set_properties(
            &DocProperties::new()
                .set_title("Mødemappe: udvalgenes arbejdsbyrde")
                .set_creation_datetime(&date(day)?),
        );
        period_sheet(book.add_worksheet(), &self.rows)?;
        body_sheet(book.add_worksheet(), &self.rows)?;
        book.save_to_buffer().map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_both_sheets() {
        let row = StatsRow {
            body_id: crate::model::BodyId(3),
            body: "Teknisk Udvalg".into(),
            body_short: Some("TU".into()),
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
        let stats = Stats {
            from: None,
            to: None,
            by: crate::stats::Interval::Year,
            rows: vec![row],
        };
        let bytes = stats.to_xlsx().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        assert!(
            names.iter().any(|n| n == "xl/worksheets/sheet2.xml"),
            "{names:?}"
        );
        let mut book = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut book)
            .unwrap();
        assert!(
            book.contains("Pr. periode") && book.contains("Pr. udvalg"),
            "{book}"
        );
    }
}
