//! `/api/notes`, `/api/read` (pages marked read) and `/api/meetings/{id}/progress`: the member's
//! notes and highlights, pages marked read, and reading progress. Reading
//! works for both scopes (without the closed scope, notes on closed material
//! are absent); writing and progress are the member's own and need the
//! closed scope, which the UI's token has.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Json};
use moedemappe_core::api::wire::{
    ErrorBody, Marked, NoteParams, OfAttachment, Opened, ReadMarks, ReadPages,
};
use moedemappe_core::api::{NewNote, NoteEdit, NoteView, ReadingProgress, Scope};
use moedemappe_core::model::{AttachmentId, MeetingId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::doc::{Refused, Unreadable};
use super::{member_only, with_mappe, App};

/// The routes of this module (behind the guard).
pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(edit, remove))
        .routes(routes!(read_pages, mark_read))
        .routes(routes!(progress))
        .routes(routes!(opened))
}

/// Why a caller without the closed scope is refused here.
const MEMBER_ONLY: &str = "kun medlemmet selv må se og ændre noter og læsning: åbn Mødemappe via linket, som serve skriver";

#[utoipa::path(get, path = "/api/notes", tag = "Noter",
    summary = "Noter og markeringer: alle, eller for én sag, ét møde, ét punkt eller ét bilag", description = "Uden medlemmets session: kun delte og importerede noter på åbent materiale.",
    params(NoteParams),
    responses((status = 200, description = "Noterne", body = [NoteView]),
        (status = 404, description = "Ukendt, eller lukket uden adgang", body = ErrorBody), Unreadable, Refused))]
async fn list(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Query(w): Query<NoteParams>,
) -> Response {
    with_mappe(&app, move |m| {
        let which = w.scope()?;
        match w.words() {
            Some(q) => m.session(scope).find_notes(&which, q),
            None => m.session(scope).notes(&which),
        }
    })
    .await
}

#[utoipa::path(post, path = "/api/notes", tag = "Noter",
    summary = "Ny note eller markering (kun medlemmet)", description = "attachment, page og quote for en markering på en side; item eller case_number for en note på punktet eller sagen.",
    request_body = NewNote,
    responses((status = 200, description = "Noten", body = NoteView),
        (status = 404, description = "Ukendt bilag, punkt eller sag", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
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

#[utoipa::path(put, path = "/api/notes/{id}", tag = "Noter",
    summary = "Ret en af medlemmets egne noter (kun medlemmet); kun de felter, der sendes, ændres", description = "",
    params(("id" = String, Path, description = "Notens id")),
    request_body = NoteEdit,
    responses((status = 200, description = "Noten", body = NoteView),
        (status = 404, description = "Ukendt note", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
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

#[utoipa::path(delete, path = "/api/notes/{id}", tag = "Noter",
    summary = "Slet en af medlemmets egne noter (kun medlemmet)", description = "",
    params(("id" = String, Path, description = "Notens id")),
    responses((status = 200, description = "Den slettede note", body = NoteView),
        (status = 404, description = "Ukendt note", body = ErrorBody), Refused))]
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

#[utoipa::path(post, path = "/api/read", tag = "Noter",
    summary = "Markér sider af et bilag som læst (alle, når pages er tom; kun medlemmet)", description = "",
    request_body = ReadMarks,
    responses((status = 200, description = "Antal sider, der ikke var markeret før", body = Marked),
        (status = 404, description = "Ukendt bilag", body = ErrorBody),
        (status = 413, description = "Indholdet er for stort", body = ErrorBody), Unreadable, Refused))]
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
        Ok(Marked { marked })
    })
    .await
}

#[utoipa::path(get, path = "/api/read", tag = "Noter",
    summary = "Siderne af et bilag, der er markeret som læst (kun medlemmet)", description = "",
    params(OfAttachment),
    responses((status = 200, description = "De læste sider", body = ReadPages),
        (status = 404, description = "Ukendt bilag", body = ErrorBody), Unreadable, Refused))]
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
        Ok(ReadPages {
            attachment: q.attachment,
            pages,
        })
    })
    .await
}

/// The member opened a meeting: its "nye" start again from now.
#[utoipa::path(post, path = "/api/meetings/{id}/opened", tag = "Noter",
    summary = "Medlemmet har åbnet mødet: det, der var nyt, er det ikke længere (kun medlemmet)", description = "",
    params(("id" = i64, Path, description = "Mødets id")),
    responses((status = 200, description = "Mødets id", body = Opened),
        (status = 404, description = "Ukendt møde", body = ErrorBody), Unreadable, Refused))]
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
        Ok(Opened { opened: id })
    })
    .await
}

#[utoipa::path(get, path = "/api/meetings/{id}/progress", tag = "Noter",
    summary = "Læsefremskridt for et møde: sider i alt, læst og nye (kun medlemmet)", description = "",
    params(("id" = i64, Path, description = "Mødets id")),
    responses((status = 200, description = "Læsefremskridtet", body = ReadingProgress),
        (status = 404, description = "Ukendt møde", body = ErrorBody), Unreadable, Refused))]
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
