//! The HTTP side of OCR: the background run's state, pause and resume (the
//! member's only: the counts and failures include closed material), and the
//! words OCR read on a page (for highlights on the page image; the page
//! text's access rule).

use super::doc::{Refused, Unreadable};
use super::{core_error, error, member_only, with_mappe, App};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use moedemappe_core::api::wire::ErrorBody;
use moedemappe_core::api::{OcrPageWords, OcrState, Scope};
use moedemappe_core::model::AttachmentId;

/// Why a caller other than the member is refused here.
const MEMBER_ONLY: &str =
    "kun medlemmet selv kan se og styre OCR: åbn Mødemappe via linket, som serve skriver";

/// The state as JSON, or the error of reading it.
async fn answer(app: &App, change: Option<bool>) -> Response {
    let ocr = app.sync().ocr();
    let result = tokio::task::spawn_blocking(move || {
        match change {
            Some(true) => ocr.pause()?,
            Some(false) => ocr.resume()?,
            None => {}
        }
        ocr.state()
    })
    .await;
    match result {
        Ok(Ok(state)) => Json(state).into_response(),
        Ok(Err(e)) => core_error(&e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "intern fejl"),
    }
}

#[utoipa::path(get, path = "/api/ocr", tag = "Kilder",
    summary = "OCR af scannede sider (kun medlemmet): kører den, er den sat på pause, sider og tid tilbage, sider der ikke kunne læses", description = "",
    responses((status = 200, description = "Tilstanden", body = OcrState), Unreadable, Refused))]
pub(super) async fn ocr_state(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    answer(&app, None).await
}

#[utoipa::path(post, path = "/api/ocr/pause", tag = "Kilder",
    summary = "Sæt OCR på pause (kun medlemmet); siderne, der læses nu, gøres færdige", description = "",
    responses((status = 200, description = "Tilstanden", body = OcrState), Unreadable, Refused))]
pub(super) async fn pause(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    answer(&app, Some(true)).await
}

#[utoipa::path(post, path = "/api/ocr/resume", tag = "Kilder",
    summary = "Fortsæt OCR efter en pause (kun medlemmet)", description = "",
    responses((status = 200, description = "Tilstanden", body = OcrState), Unreadable, Refused))]
pub(super) async fn resume(State(app): State<App>, Extension(scope): Extension<Scope>) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    answer(&app, Some(false)).await
}

#[utoipa::path(get, path = "/api/attachments/{id}/pages/{page}/ocr", tag = "Søgning",
    summary = "Ordene, OCR læste på en scannet side, med deres placering (til markeringer)", description = "",
    params(("id" = i64, Path, description = "Bilagets id"), ("page" = u32, Path, minimum = 1, description = "Siden (1 er den første)")),
    responses((status = 200, description = "Ordene og billedets størrelse", body = OcrPageWords),
        (status = 404, description = "Ukendt bilag eller side, eller siden er ikke læst med OCR", body = ErrorBody), Unreadable, Refused))]
pub(super) async fn words(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path((id, page)): Path<(i64, u32)>,
) -> Response {
    with_mappe(&app, move |m| {
        m.session(scope).ocr_words(AttachmentId(id), page)
    })
    .await
}
