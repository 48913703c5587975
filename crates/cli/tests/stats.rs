//! End-to-end `moedemappe stats` on the generated demo corpus, through the real
//! binary and the real import (PDFs written, page counts read by the workers).
//! The expected figures come from the demo plan (what the generator decided),
//! and at scale 1.0 from `WORKLOAD_TABLE`, the workload analysis' own table —
//! never from the statistics code.

mod common;

use common::{moedemappe, ok};
use moedemappe_core::demo::{self, DemoOptions, WORKLOAD_TABLE};
use serde_json::Value;
use std::collections::BTreeMap;

/// The environment variable that turns on the scale-1.0 test (a few minutes
/// in the debug profile: it writes and imports about 50,000 pages).
const FULL: &str = "MOEDEMAPPE_STATS_FULL";

fn stats_json(data: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "stats",
        "--from",
        "2023-01-01",
        "--to",
        "2024-12-31",
        "--by",
        "year",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(data, &args)).expect("JSON")
}

/// (body, period) → row.
fn rows(v: &Value) -> BTreeMap<(String, String), Value> {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                (
                    r["body"].as_str().unwrap().to_string(),
                    r["period"].as_str().unwrap().to_string(),
                ),
                r.clone(),
            )
        })
        .collect()
}

fn n(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a whole number in {v}"))
}

#[test]
fn default_demo_stats_match_the_plan_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let v = stats_json(&data, &[]);
    assert_eq!(v["by"], "year");
    assert_eq!(v["from"], "2023-01-01");
    let got = rows(&v);
    // The generator's own count of what it wrote, for all twelve bodies.
    let plan = demo::plan(&DemoOptions::default());
    let expected = plan.expected_stats();
    assert_eq!(got.len(), expected.len());
    for s in &expected {
        let r = &got[&(s.body.clone(), s.year.to_string())];
        assert_eq!(
            (
                n(r, "meetings"),
                n(r, "items"),
                n(r, "referred"),
                n(r, "pages")
            ),
            (
                u64::from(s.meetings),
                u64::from(s.items),
                u64::from(s.referred),
                s.pages
            ),
            "{} {}",
            s.body,
            s.year
        );
        assert_eq!(r["period_start"], format!("{}-01-01", s.year));
        assert_eq!(r["period_end"], format!("{}-12-31", s.year));
        assert_eq!(n(r, "attachments_without_pages"), 0);
    }
    // Meeting hours from the planned start and end times.
    for b in &plan.bodies {
        for year in [2023, 2024] {
            let minutes: i64 = b
                .meetings
                .iter()
                .filter(|m| m.date.format("%Y").to_string() == year.to_string())
                .map(|m| {
                    let t = |s: &str| {
                        let (h, mi) = s.split_once(':').unwrap();
                        h.parse::<i64>().unwrap() * 60 + mi.parse::<i64>().unwrap()
                    };
                    t(&m.end) - t(&m.start)
                })
                .sum();
            let r = &got[&(b.name.clone(), year.to_string())];
            let hours = r["meeting_hours"].as_f64().unwrap();
            assert!(
                (hours - minutes as f64 / 60.0).abs() < 0.006,
                "{} {year}: {hours}",
                b.name
            );
        }
    }

    // CSV: the same rows, stable snake_case columns, numbers as numbers.
    let csv = ok(
        &data,
        &[
            "stats",
            "--from",
            "2023-01-01",
            "--to",
            "2024-12-31",
            "--format",
            "csv",
        ],
    );
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let first = v["rows"][0].as_object().unwrap();
    assert_eq!(header.len(), first.len());
    for key in first.keys() {
        assert!(
            header.contains(&key.as_str()),
            "{key} missing in CSV header"
        );
    }
    let csv_rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(csv_rows.len(), got.len());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for row in &csv_rows {
        let r = &got[&(row[col("body")].clone(), row[col("period")].clone())];
        assert_eq!(row[col("pages")], n(r, "pages").to_string());
        assert_eq!(row[col("items")], n(r, "items").to_string());
        assert!(row[col("meeting_hours")].parse::<f64>().is_ok());
    }

    // Excel: a real workbook (read back with Python's openpyxl), Danish
    // headers, numeric cells equal to the JSON rows, one sheet per view.
    let book = dir.path().join("statistik.xlsx");
    ok(
        &data,
        &[
            "stats",
            "--from",
            "2023-01-01",
            "--to",
            "2024-12-31",
            "--format",
            "xlsx",
            "-o",
            book.to_str().unwrap(),
        ],
    );
    let read = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, openpyxl\n\
             wb = openpyxl.load_workbook(sys.argv[1])\n\
             out = {}\n\
             for ws in wb.worksheets:\n\
             \x20   out[ws.title] = [[c if isinstance(c, (int, float, str)) or c is None else str(c) for c in r] for r in ws.iter_rows(values_only=True)]\n\
             print(json.dumps(out))",
        )
        .arg(&book)
        .output()
        .expect("python3 (CI installs python3-openpyxl)");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let sheets: Value = serde_json::from_slice(&read.stdout).unwrap();
    let period = sheets["Pr. periode"].as_array().expect("sheet Pr. periode");
    let head: Vec<&str> = period[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(head, moedemappe_core::api::XLSX_PERIOD_HEADERS);
    assert_eq!(period.len() - 1, got.len());
    let at = |name: &str| head.iter().position(|h| *h == name).unwrap();
    for row in &period[1..] {
        let key = (
            row[at("Udvalg")].as_str().unwrap().to_string(),
            row[at("Periode")].as_str().unwrap().to_string(),
        );
        let r = &got[&key];
        for (header, json_key) in [
            ("Møder", "meetings"),
            ("Punkter", "items"),
            ("Henviste sager", "referred"),
            ("Bilag", "attachments"),
            ("Bilagssider", "pages"),
        ] {
            assert!(
                row[at(header)].is_number(),
                "{header} is not a number: {row}"
            );
            assert_eq!(
                row[at(header)].as_f64(),
                r[json_key].as_f64(),
                "{header} {key:?}"
            );
        }
        assert_eq!(row[at("Mødetimer")].as_f64(), r["meeting_hours"].as_f64());
        assert!(row[at("Fra")]
            .as_str()
            .unwrap()
            .starts_with(r["period_start"].as_str().unwrap()));
    }
    let bodies = sheets["Pr. udvalg"].as_array().expect("sheet Pr. udvalg");
    assert_eq!(bodies[0][0], "Udvalg");
    let tu_total = bodies
        .iter()
        .find(|r| r[0] == "Teknisk Udvalg")
        .expect("a TU row");
    let tu_pages: u64 = got
        .iter()
        .filter(|((b, _), _)| b == "Teknisk Udvalg")
        .map(|(_, r)| n(r, "pages"))
        .sum();
    assert_eq!(tu_total[8].as_f64(), Some(tu_pages as f64));
    // Excel needs a file to go to.
    let out = moedemappe(&data, &["stats", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));

    // The table has Danish headers and the same page figure as JSON (Danish thousands).
    let table = ok(
        &data,
        &["stats", "--from", "2023-01-01", "--to", "2024-12-31"],
    );
    assert!(
        table.contains("Udvalg") && table.contains("Bilagssider") && table.contains("Punkter"),
        "{table}"
    );
    let tu23 = &got[&("Teknisk Udvalg".to_string(), "2023".to_string())];
    let tu_line = table
        .lines()
        .find(|l| l.starts_with("Teknisk Udvalg") && l.contains("2023"))
        .unwrap();
    let pages = n(tu23, "pages");
    let digits = pages.to_string();
    let mut danish = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            danish.push('.');
        }
        danish.push(c);
    }
    assert!(
        tu_line.ends_with(&format!(" {danish}")),
        "{tu_line} vs {danish}"
    );

    // --body by abbreviation and by former name, --by month.
    let tu = stats_json(&data, &["--body", "TU"]);
    assert_eq!(tu["rows"].as_array().unwrap().len(), 2);
    assert_eq!(tu["rows"][0]["pages"], tu23["pages"]);
    let oeu = stats_json(&data, &["--body", "Økonomiudvalget"]);
    assert_eq!(oeu["rows"][0]["body"], "Økonomi- og Erhvervsudvalget");
    let months: Value = serde_json::from_str(&ok(
        &data,
        &[
            "stats",
            "--body",
            "TU",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--by",
            "month",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let months = months["rows"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[6]["period"], "2023-07");
    assert_eq!(months[6]["meetings"], 0, "no meetings in July");
    let month_pages: u64 = months.iter().map(|m| n(m, "pages")).sum();
    assert_eq!(month_pages, pages);

    // --explain: the items and attachments behind TU 2023 add up to its figures.
    let ex: Value = serde_json::from_str(&ok(
        &data,
        &[
            "stats",
            "--body",
            "TU",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--explain",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let ex = ex.as_array().unwrap();
    assert_eq!(ex.len(), 1);
    let meetings = ex[0]["meetings"].as_array().unwrap();
    assert_eq!(meetings.len() as u64, n(tu23, "meetings"));
    let items: u64 = meetings
        .iter()
        .flat_map(|m| m["items"].as_array().unwrap())
        .map(|i| n(i, "items"))
        .sum();
    let explained_pages: u64 = meetings
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap())
        .filter(|a| a["counted"] == true)
        .map(|a| n(a, "page_count"))
        .sum();
    assert_eq!((items, explained_pages), (n(tu23, "items"), pages));
    let text = ok(
        &data,
        &[
            "stats",
            "--body",
            "TU",
            "--from",
            "2023-01-01",
            "--to",
            "2023-12-31",
            "--explain",
        ],
    );
    assert!(text.contains("fast punkt: tælles ikke"), "{text:.2000}");
    assert!(text.contains("udsat"), "TU always has a postponed item");

    // Mistakes are refused in one Danish line.
    let out = moedemappe(&data, &["stats", "--body", "Intetudvalg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("intet udvalg hedder"));
    let out = moedemappe(&data, &["stats", "--from", "1. marts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("er ikke en dato"));
}

/// The acceptance test: the demo corpus at scale 1.0 reproduces the workload
/// analysis' table exactly. Set `MOEDEMAPPE_STATS_FULL=1` to run it.
#[test]
fn full_scale_demo_reproduces_the_workload_table() {
    if std::env::var_os(FULL).is_none() {
        eprintln!("skipped: set {FULL}=1 to build and count the scale-1.0 demo corpus");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let started = std::time::Instant::now();
    ok(&data, &["demo", "--scale", "1.0"]);
    let built = started.elapsed();
    let started = std::time::Instant::now();
    let got = rows(&stats_json(&data, &[]));
    eprintln!(
        "scale 1.0: demo + import {built:.1?}, stats {:.1?}",
        started.elapsed()
    );
    for row in WORKLOAD_TABLE {
        for t in row.years {
            let r = got
                .get(&(row.body.to_string(), t.year.to_string()))
                .unwrap_or_else(|| panic!("no row for {} {}", row.body, t.year));
            assert_eq!(
                (n(r, "items"), n(r, "referred"), n(r, "pages")),
                (u64::from(t.items), u64::from(t.referred), t.pages),
                "{} {}",
                row.body,
                t.year
            );
            assert_eq!(r["body_short"].as_str(), row.short, "{}", row.body);
            let avg = r["avg_meeting_hours"].as_f64().unwrap();
            assert!(
                (avg - f64::from(row.minutes) / 60.0).abs() < 0.01,
                "{} {}: {avg} h",
                row.body,
                t.year
            );
        }
    }
}
