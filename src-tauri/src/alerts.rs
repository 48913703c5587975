//! The member is told when a sync brought something new: a system
//! notification after the sync, when saved searches (søgeagenter) found new
//! places or followed bodies released an agenda or minutes, and the count of
//! what is not yet seen in the window's title («Mødemappe (3 nye)»).
//!
//! The notification carries counts and the member's own names of saved
//! searches, never a title of a meeting, item or bilag, so it cannot show
//! closed material on a screen someone else sees. While the vault is locked
//! nothing is asked and nothing is shown.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use moedemappe_core::api::{Alerts, Scope, SyncJobs};
use moedemappe_core::model::Publication;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// How often the watcher looks whether a sync finished.
const POLL: Duration = Duration::from_secs(2);

/// How often the window's title is brought up to date between syncs (the
/// member marks things seen in the window).
const TITLE_EVERY: Duration = Duration::from_secs(60);

/// Saved searches named in a notification; the rest are counted together.
const NAMED: usize = 3;

/// The window's title.
pub const TITLE: &str = "Mødemappe";

/// What is new in one look at the alerts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct News {
    /// Per saved search with something new: its name and the new places.
    pub searches: Vec<(String, usize)>,
    /// New releases: agendas, supplementary agendas, minutes.
    pub releases: [usize; 3],
}

/// What of `alerts` (the unseen) was found after `after` and up to `upto`.
pub fn news_between(alerts: &Alerts, after: DateTime<Utc>, upto: DateTime<Utc>) -> News {
    let within = |found_at: &str| {
        DateTime::parse_from_rfc3339(found_at)
            .map(|t| t > after && t <= upto)
            .unwrap_or(false)
    };
    let mut news = News::default();
    for s in &alerts.searches {
        let n = s.matches.iter().filter(|m| within(&m.found_at)).count();
        if n > 0 {
            news.searches.push((s.search.name.clone(), n));
        }
    }
    for r in alerts.releases.iter().filter(|r| within(&r.found_at)) {
        news.releases[match r.publication {
            Publication::Agenda => 0,
            Publication::SupplementaryAgenda => 1,
            Publication::Minutes => 2,
        }] += 1;
    }
    news
}

/// The notification's text, none when nothing is new: counts and the names
/// of saved searches only, as «Nyt til dig: 3 nye fund for «Bassin 7» og 1
/// udgivet dagsorden».
pub fn notification_text(news: &News) -> Option<String> {
    let found = |n: usize| {
        if n == 1 {
            "1 nyt fund".to_string()
        } else {
            format!("{n} nye fund")
        }
    };
    let mut parts: Vec<String> = news
        .searches
        .iter()
        .take(NAMED)
        .map(|(name, n)| format!("{} for «{name}»", found(*n)))
        .collect();
    let rest = &news.searches[news.searches.len().min(NAMED)..];
    if !rest.is_empty() {
        let n: usize = rest.iter().map(|(_, n)| n).sum();
        let others = if rest.len() == 1 {
            "1 anden søgeagent".to_string()
        } else {
            format!("{} andre søgeagenter", rest.len())
        };
        parts.push(format!("{} for {others}", found(n)));
    }
    for (n, one, many) in [
        (news.releases[0], "udgivet dagsorden", "udgivne dagsordener"),
        (
            news.releases[1],
            "udgivet tillægsdagsorden",
            "udgivne tillægsdagsordener",
        ),
        (news.releases[2], "udgivet referat", "udgivne referater"),
    ] {
        match n {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            n => parts.push(format!("{n} {many}")),
        }
    }
    let last = parts.pop()?;
    Some(if parts.is_empty() {
        format!("Nyt til dig: {last}")
    } else {
        format!("Nyt til dig: {} og {last}", parts.join(", "))
    })
}

/// The window's title with the count of what is not yet seen.
pub fn window_title(unseen: u32) -> String {
    if unseen == 0 {
        TITLE.to_string()
    } else {
        format!("{TITLE} ({unseen} nye)")
    }
}

/// Watches the syncs on `jobs` for as long as the process lives: after each
/// finished run it notifies of what was found since the last (from `since`,
/// the app's start, for the first), and keeps the title of the window
/// `window` up to date.
pub fn start<R: Runtime>(
    app: AppHandle<R>,
    window: &'static str,
    jobs: SyncJobs,
    since: DateTime<Utc>,
) {
    std::thread::Builder::new()
        .name("alerts".into())
        .spawn(move || {
            let mut checked = since;
            let mut runs = 0;
            let mut title = String::new();
            let mut titled = Instant::now();
            let mut first = true;
            loop {
                let now_runs = jobs.finished_runs();
                let finished = now_runs != runs;
                runs = now_runs;
                if finished || first || titled.elapsed() >= TITLE_EVERY {
                    first = false;
                    titled = Instant::now();
                    // The data directory the syncs run on (opened again when
                    // the vault was locked or unlocked).
                    let mappe = jobs.mappe();
                    let upto = Utc::now();
                    let alerts = if mappe.is_locked() {
                        None
                    } else {
                        mappe.session(Scope::Member).alerts(None).ok()
                    };
                    let want = window_title(alerts.as_ref().map_or(0, |a| a.total));
                    if want != title {
                        if let Some(w) = app.get_webview_window(window) {
                            if w.set_title(&want).is_ok() {
                                title = want;
                            }
                        }
                    }
                    if let (Some(alerts), true) = (&alerts, finished) {
                        if let Some(text) = notification_text(&news_between(alerts, checked, upto))
                        {
                            // No notification service (say, no desktop
                            // session): the count in the title remains.
                            let _ = app.notification().builder().title(TITLE).body(text).show();
                        }
                        checked = upto;
                    }
                }
                std::thread::sleep(POLL);
            }
        })
        .expect("a thread for the alerts");
}

#[cfg(test)]
mod tests {
    use super::*;
    use moedemappe_core::api::{AlertMatch, ReleaseNotice, SavedQuery, SavedSearch, SearchNews};
    use moedemappe_core::model::{AttachmentId, ItemId, MeetingId};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn found(title: &str, found_at: &str) -> AlertMatch {
        AlertMatch {
            meeting: MeetingId(1),
            body: "Teknisk Udvalg".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 2, 12).unwrap(),
            item: ItemId(1),
            item_number: 1,
            item_title: title.into(),
            case_number: Some("EMN-2026-000001".into()),
            attachment: Some(AttachmentId(1)),
            attachment_title: Some(format!("Bilag om {title}")),
            pages: vec![1],
            found_at: found_at.into(),
            seen: false,
        }
    }

    fn search(name: &str, matches: Vec<AlertMatch>) -> SearchNews {
        SearchNews {
            search: SavedSearch {
                name: name.into(),
                query: SavedQuery::default(),
                created_at: "2026-01-01T00:00:00.000Z".into(),
            },
            matches,
        }
    }

    fn release(publication: Publication, found_at: &str) -> ReleaseNotice {
        ReleaseNotice {
            meeting: MeetingId(1),
            body: "Teknisk Udvalg".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 2, 12).unwrap(),
            publication,
            items: 3,
            pages: 10,
            new_pages: 2,
            text: "Dagsorden til Teknisk Udvalg 12. februar 2026 er udgivet".into(),
            found_at: found_at.into(),
            seen: false,
        }
    }

    #[test]
    fn the_notification_counts_what_the_sync_found_and_names_no_title() {
        let before = "2026-02-01T09:00:00.000Z";
        let during = "2026-02-01T10:00:01.000Z";
        let alerts = Alerts {
            searches: vec![
                search(
                    "Bassin 7",
                    vec![
                        found("Køb af grund ved Bassin 7", during),
                        found("Badezone", during),
                        found("Trapper", during),
                        found("Gammelt fund", before),
                    ],
                ),
                search("Skolevej", vec![found("Skolevej", before)]),
            ],
            releases: vec![
                release(Publication::Agenda, during),
                release(Publication::Minutes, before),
            ],
            total: 7,
        };
        let news = news_between(
            &alerts,
            at("2026-02-01T10:00:00Z"),
            at("2026-02-01T10:05:00Z"),
        );
        assert_eq!(
            news,
            News {
                searches: vec![("Bassin 7".into(), 3)],
                releases: [1, 0, 0],
            }
        );
        let text = notification_text(&news).unwrap();
        assert_eq!(
            text,
            "Nyt til dig: 3 nye fund for «Bassin 7» og 1 udgivet dagsorden"
        );
        for m in alerts.searches.iter().flat_map(|s| &s.matches) {
            assert!(!text.contains(&m.item_title), "{text}");
            assert!(!text.contains(m.attachment_title.as_deref().unwrap()));
        }
        assert!(!text.contains("Teknisk Udvalg"), "{text}");
        // What was found after the look is left for the next one.
        let later = news_between(
            &alerts,
            at("2026-02-01T08:00:00Z"),
            at("2026-02-01T09:30:00Z"),
        );
        assert_eq!(
            notification_text(&later).unwrap(),
            "Nyt til dig: 1 nyt fund for «Bassin 7», 1 nyt fund for «Skolevej» og 1 udgivet referat"
        );
        assert_eq!(
            notification_text(&news_between(
                &alerts,
                at("2026-02-01T11:00:00Z"),
                at("2026-02-01T12:00:00Z")
            )),
            None
        );
    }

    #[test]
    fn many_searches_and_releases_are_summed_up() {
        let news = News {
            searches: vec![
                ("A".into(), 1),
                ("B".into(), 2),
                ("C".into(), 1),
                ("D".into(), 4),
                ("E".into(), 1),
            ],
            releases: [2, 1, 3],
        };
        assert_eq!(
            notification_text(&news).unwrap(),
            "Nyt til dig: 1 nyt fund for «A», 2 nye fund for «B», 1 nyt fund for «C», \
             5 nye fund for 2 andre søgeagenter, 2 udgivne dagsordener, \
             1 udgivet tillægsdagsorden og 3 udgivne referater"
        );
        let one_more = News {
            searches: vec![
                ("A".into(), 1),
                ("B".into(), 1),
                ("C".into(), 1),
                ("D".into(), 1),
            ],
            releases: [0, 0, 0],
        };
        assert!(notification_text(&one_more)
            .unwrap()
            .ends_with("og 1 nyt fund for 1 anden søgeagent"));
        assert_eq!(notification_text(&News::default()), None);
    }

    #[test]
    fn the_title_shows_the_unseen_count() {
        assert_eq!(window_title(0), "Mødemappe");
        assert_eq!(window_title(4), "Mødemappe (4 nye)");
    }
}
