//! What a portal source fetches: the default scope, widening it, an
//! Aarhus-size portal, the scope set over HTTP, and a first run.

use super::*;

#[test]
fn the_default_scope_skips_old_meetings_and_widening_it_fetches_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let recent = p.data().meetings().count();
    let old = add_old_meetings(&mut p.data());
    assert!(p.data().meetings().all(
        |(_, m)| m.date.to_string().as_str() >= "2021" || m.date.to_string().as_str() < "2019"
    ));
    let data = dir.path().join("data");
    let added = ok(
        &data,
        &[
            "source",
            "add",
            "portal",
            &p.base_url(),
            "--name",
            "Testportal",
        ],
    );
    assert!(
        added.contains("alle udvalg fra året før den nuværende valgperiode"),
        "{added}"
    );

    // The list's newest period is 2022-2025: from 2021-01-01, nothing older is asked for.
    p.reset_counters();
    sync(&data);
    assert_eq!(
        p.counters().agenda as usize,
        recent,
        "only the scope's agendas"
    );
    let scope = status(&data)["sources"][0]["scope"].clone();
    assert_eq!(scope["counts"]["listed"], (recent + old) as u64, "{scope}");
    assert_eq!(scope["counts"]["in_scope"], recent as u64, "{scope}");
    assert_eq!(scope["counts"]["stored"], recent as u64, "{scope}");
    assert_eq!(scope["counts"]["first_day"], "2021-01-01");
    let meetings = |data: &Path| status(data)["meetings"].as_u64().unwrap();
    let before = meetings(&data);
    let text = ok(&data, &["status"]);
    assert!(
        text.contains("hentet: ") && text.contains("mangler: 0"),
        "{text}"
    );

    // Widening to 2010 fetches the old entries and nothing else.
    ok(
        &data,
        &["source", "edit", "Testportal", "--since", "2010-01-01"],
    );
    p.reset_counters();
    sync(&data);
    assert_eq!(
        p.counters().agenda as usize,
        old,
        "only the new part of the scope"
    );
    assert!(meetings(&data) > before);
    let widened = meetings(&data);

    // Narrowing to one body deletes nothing and asks for no agenda.
    let body = p.data().bodies[0].name.clone();
    ok(&data, &["source", "edit", "Testportal", "--bodies", &body]);
    p.reset_counters();
    sync(&data);
    assert_eq!(p.counters().agenda, 0);
    assert_eq!(meetings(&data), widened, "nothing is deleted");
    let scope = status(&data)["sources"][0]["scope"].clone();
    let one_body = p.data().bodies[0].meetings.len() as u64;
    assert_eq!(scope["counts"]["in_scope"], one_body, "{scope}");
    assert_eq!(scope["bodies"][0], body.as_str());

    // A body the portal does not have is said, by name.
    ok(
        &data,
        &[
            "source",
            "edit",
            "Testportal",
            "--bodies",
            "Månebaseudvalget",
        ],
    );
    sync(&data);
    let failures = status(&data)["sources"][0]["failures"].clone();
    assert!(
        failures.to_string().contains("Månebaseudvalget"),
        "{failures}"
    );
}

#[test]
fn an_aarhus_size_portal_syncs_only_its_default_scope() {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    p.data().widen_to_aarhus_size();
    let (listed, in_scope, days) = {
        let d = p.data();
        assert!(d.bodies.len() >= 70);
        let listed = d.meetings().count();
        assert!(listed >= 5000, "{listed}");
        let first = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        let scoped: Vec<_> = d.meetings().filter(|(_, m)| m.date >= first).collect();
        // Agenda and minutes of one body and day are one meeting.
        let days: BTreeSet<(String, chrono::NaiveDate)> = scoped
            .iter()
            .map(|(b, m)| (b.name.clone(), m.date))
            .collect();
        (listed, scoped.len(), days.len())
    };
    assert!(in_scope < listed / 4, "{in_scope} of {listed}");
    let data = dir.path().join("data");
    add_source(&data, &p);
    p.reset_counters();
    sync(&data);
    let c = p.counters();
    assert_eq!(
        c.agenda as usize, in_scope,
        "no agenda outside the scope: {c:?}"
    );
    let s = status(&data);
    let counts = &s["sources"][0]["scope"]["counts"];
    assert_eq!(counts["listed"], listed as u64);
    assert_eq!(counts["in_scope"], in_scope as u64);
    assert_eq!(counts["stored"], in_scope as u64);
    assert_eq!(s["meetings"], days as u64);

    // A resync with nothing new asks for the list only.
    p.reset_counters();
    sync(&data);
    let c = p.counters();
    assert_eq!((c.agenda, c.pdf_file, c.case_pdf), (0, 0, 0), "{c:?}");
    assert_eq!(c.list, 1, "{c:?}");
}

#[test]
fn the_member_sets_a_portals_scope_over_http_and_nobody_else_can() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(
        &data,
        &["source", "add", "portal", "aarhus", "--name", "Aarhus"],
    );
    let folder = dir.path().join("Indbakke");
    std::fs::create_dir_all(&folder).unwrap();
    ok(
        &data,
        &["source", "add", "folder", folder.to_str().unwrap()],
    );
    let server = common::serve::serve(&data);
    let m = common::serve::member(&server);
    let put = |client: &reqwest::blocking::Client, name: &str, body: &str| {
        let r = client
            .put(format!("{}/api/sources/{name}", server.base))
            .header("content-type", "application/json")
            .header("origin", &server.base)
            .body(body.to_string())
            .send()
            .unwrap();
        let code = r.status().as_u16();
        (code, r.json::<serde_json::Value>().unwrap_or_default())
    };
    let (code, source) = put(
        &m,
        "Aarhus",
        r#"{"bodies": ["TU", " "], "since": "2018-01-01"}"#,
    );
    assert_eq!(code, 200, "{source}");
    assert_eq!(source["scope"]["bodies"], serde_json::json!(["TU"]));
    assert_eq!(source["scope"]["since"], "2018-01-01");
    assert_eq!(source["scope"]["followed"], false);
    let listed = ok(&data, &["source", "list"]);
    assert!(listed.contains("henter TU fra 01.01.2018"), "{listed}");

    let (code, e) = put(&m, "Indbakke", r#"{"followed": true}"#);
    assert_eq!(code, 400, "a folder has no scope: {e}");
    assert!(e["message"].as_str().unwrap().contains("mappe"), "{e}");
    let (code, e) = put(&m, "Ingen", "{}");
    assert_eq!(code, 404, "{e}");
    let (code, e) = put(&m, "Aarhus", r#"{"since": "i går"}"#);
    assert_eq!(code, 400, "{e}");
    assert!(e["code"].is_string() && e["message"].is_string(), "{e}");

    // A token, even one with the closed scope, changes nothing.
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let r = reqwest::blocking::Client::new()
        .put(format!("{}/api/sources/Aarhus", server.base))
        .bearer_auth(token.trim())
        .json(&serde_json::json!({"bodies": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(ok(&data, &["source", "list"]).contains("henter TU"));
}

#[test]
fn a_first_run_lists_a_portals_bodies_before_any_agenda_and_fetches_the_followed_next_meetings_first(
) {
    let dir = tempfile::tempdir().unwrap();
    let p = portal(dir.path(), |_| Faults::none());
    let today = chrono::Local::now().date_naive();
    p.data().move_to(today, 21);
    let data = dir.path().join("data");
    let server = common::serve::serve(&data);
    let m = common::serve::member(&server);
    let post = |client: &reqwest::blocking::Client, path: &str, body: serde_json::Value| {
        let r = client
            .post(format!("{}{path}", server.base))
            .header("origin", &server.base)
            .json(&body)
            .send()
            .unwrap();
        let code = r.status().as_u16();
        (code, r.json::<serde_json::Value>().unwrap_or_default())
    };
    let (code, _) = post(
        &m,
        "/api/sources",
        serde_json::json!({"kind": "portal", "location": p.base_url(), "name": "Testportal"}),
    );
    assert_eq!(code, 201);

    // The bodies come from the committee list alone: no agenda is asked for.
    p.reset_counters();
    let (code, bodies) = post(&m, "/api/sources/Testportal/bodies", serde_json::json!({}));
    assert_eq!(code, 200, "{bodies}");
    assert_eq!(p.counters().agenda, 0);
    let bodies = bodies.as_array().unwrap().clone();
    assert_eq!(bodies.len(), p.data().bodies.len(), "{bodies:#?}");
    assert!(bodies
        .iter()
        .all(|b| b["meetings"] == 0 && b["followed"] == false));
    // Only the member may ask.
    let token = std::fs::read_to_string(data.join("api-token")).unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/sources/Testportal/bodies", server.base))
        .bearer_auth(token.trim())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A portal that cannot be reached says so in plain words.
    post(
        &m,
        "/api/sources",
        serde_json::json!({"kind": "portal", "location": "http://127.0.0.1:9", "name": "Nede"}),
    );
    let (code, e) = post(&m, "/api/sources/Nede/bodies", serde_json::json!({}));
    assert_eq!(code, 503, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("ingen forbindelse"),
        "{e}"
    );
    let r = m
        .delete(format!("{}/api/sources/Nede", server.base))
        .header("origin", &server.base)
        .send()
        .unwrap();
    assert!(r.status().is_success());

    // The followed body's meetings are fetched first: from today on, soonest
    // first, then its earlier ones, newest first; then everybody else's.
    let (next_body, _) = p
        .data()
        .meetings()
        .filter(|(_, m)| m.date >= today)
        .map(|(b, m)| (b.name.clone(), m.date))
        .min_by_key(|(_, d)| *d)
        .unwrap();
    let id = bodies
        .iter()
        .find(|b| b["name"] == next_body.as_str())
        .unwrap()["id"]
        .clone();
    let r = m
        .put(format!("{}/api/follow/{id}", server.base))
        .header("origin", &server.base)
        .send()
        .unwrap();
    assert!(r.status().is_success());
    drop(server);
    sync(&data);
    let conn = rusqlite::Connection::open(data.join("moedemappe.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT b.name, m.date FROM meetings m JOIN bodies b ON b.id = m.body_id ORDER BY m.id",
        )
        .unwrap();
    let order: Vec<(String, chrono::NaiveDate)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let followed: Vec<chrono::NaiveDate> = order
        .iter()
        .take_while(|(b, _)| *b == next_body)
        .map(|(_, d)| *d)
        .collect();
    assert_eq!(
        followed.len(),
        order.iter().filter(|(b, _)| *b == next_body).count(),
        "the followed body's meetings come first: {order:?}"
    );
    let upcoming = followed.iter().take_while(|d| **d >= today).count();
    assert!(upcoming >= 1, "{followed:?}");
    assert!(
        followed[..upcoming].is_sorted(),
        "soonest first: {followed:?}"
    );
    assert!(
        followed[upcoming..].iter().all(|d| *d < today)
            && followed[upcoming..].is_sorted_by(|a, b| a >= b),
        "then the earlier ones, newest first: {followed:?}"
    );
}
