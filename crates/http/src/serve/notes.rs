//! `/api/notes`, `/api/read` (pages marked read) and `/api/meetings/{id}/progress`: the member's
//! notes and highlights, pages marked read, and reading progress. Reading
//! works for both scopes (without the closed scope, notes on closed material
//! are absent); writing and progress are the member's own and need the
//! closed scope, which the UI's token has.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use moedemappe_core::api::Scope;
use moedemappe_core::api::{NewNote, NoteEdit, NoteScope};
use moedemappe_core::model::{AttachmentId, ItemId, MeetingId};
use serde::Deserialize;
use serde_json::json;

use super::{error, member_only, with_mappe, App};

/// The routes of this module (behind the token guard).
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/api/notes", get(list).post(add))
        .route("/api/notes/{id}", put(edit).delete(remove))
        .route("/api/read", get(read_pages).post(mark_read))
        .route("/api/meetings/{id}/progress", get(progress))
        .route("/api/meetings/{id}/opened", post(opened))
}

/// Which notes `GET /api/notes` lists: one of these, or all.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Which {
    case: Option<String>,
    meeting: Option<i64>,
    item: Option<i64>,
    attachment: Option<i64>,
    /// Only notes whose words hold these (Søg's "Noter").
    q: Option<String>,
}

/// Why a caller without the closed scope is refused here.
const MEMBER_ONLY: &str = "kun medlemmet selv må se og ændre noter og læsning: åbn Mødemappe via linket, som serve skriver";

async fn list(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(w): Query<Which>,
) -> Response {
    let which = match (w.case, w.meeting, w.item, w.attachment) {
        (None, None, None, None) => NoteScope::All,
        (Some(case), None, None, None) => NoteScope::Case(case),
        (None, Some(m), None, None) => NoteScope::Meeting(MeetingId(m)),
        (None, None, Some(i), None) => NoteScope::Item(ItemId(i)),
        (None, None, None, Some(a)) => NoteScope::Attachment(AttachmentId(a)),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "vælg højst én af case, meeting, item og attachment",
            )
        }
    };
    match w.q.filter(|q| !q.trim().is_empty()) {
        Some(q) => with_mappe(&app, move |m| m.session(scope).find_notes(&which, &q)).await,
        None => with_mappe(&app, move |m| m.session(scope).notes(&which)).await,
    }
}

async fn add(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(new): Json<NewNote>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let member = m.member(scope)?;
        let note = member.add_note(&new)?;
        member.note_view(note)
    })
    .await
}

async fn edit(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<String>,
    Json(change): Json<NoteEdit>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let member = m.member(scope)?;
        let note = member.edit_note(&id, &change)?;
        member.note_view(note)
    })
    .await
}

async fn remove(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let member = m.member(scope)?;
        let note = member.remove_note(&id)?;
        member.note_view(note)
    })
    .await
}

/// The body of `POST /api/read`: pages of an attachment (all when empty).
#[derive(Debug, Deserialize)]
struct ReadMarks {
    attachment: i64,
    #[serde(default)]
    pages: Vec<u32>,
}

async fn mark_read(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Json(marks): Json<ReadMarks>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let marked = m
            .member(scope)?
            .mark_read(AttachmentId(marks.attachment), &marks.pages)?;
        Ok(json!({ "marked": marked }))
    })
    .await
}

/// The query of `GET /api/read`.
#[derive(Debug, Deserialize)]
struct OfAttachment {
    attachment: i64,
}

async fn read_pages(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(q): Query<OfAttachment>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        let pages = m.session(scope).read_pages(AttachmentId(q.attachment))?;
        Ok(json!({ "attachment": q.attachment, "pages": pages }))
    })
    .await
}

/// The member opened a meeting: its "nye" start again from now.
async fn opened(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?.meeting_opened(MeetingId(id))?;
        Ok(json!({ "opened": id }))
    })
    .await
}

async fn progress(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.session(scope).reading_progress(MeetingId(id))
    })
    .await
}
