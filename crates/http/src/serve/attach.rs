//! `POST /api/items/{id}/attachments` and `DELETE
//! /api/items/{id}/attachments/{attachment}`: the member attaches a PDF they
//! received to an agenda item (the body is the PDF; `closed` and `title` in
//! the query string), or removes one they attached. The member's only.

use super::{error, member_only, with_mappe, App};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use moedemappe_core::api::wire::{AttachParams, Detached, ErrorBody};
use moedemappe_core::api::{Attached, Scope, Silent, MAX_ATTACH_BYTES};
use moedemappe_core::model::{AttachmentId, ItemId};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use super::doc::{Binary, Refused, Unreadable};

const MEMBER_ONLY: &str = "kun medlemmet selv kan vedhæfte og fjerne bilag";

/// `POST /api/items/{id}/attachments`, taking PDFs up to [`MAX_ATTACH_BYTES`].
pub(super) fn add_routes() -> UtoipaMethodRouter<App> {
    let (schemas, paths, method) = routes!(add);
    (
        schemas,
        paths,
        method.layer(DefaultBodyLimit::max(MAX_ATTACH_BYTES)),
    )
}

#[utoipa::path(post, path = "/api/items/{id}/attachments", tag = "Møder",
    summary = "Vedhæft en PDF, medlemmet har modtaget, til punktet (kun medlemmet); kroppen er PDF-filen", description = "",
    params(("id" = i64, Path, description = "Punktets id"), AttachParams),
    request_body(content = Binary, content_type = "application/pdf"),
    responses((status = 200, description = "Bilaget: id, titel, om det er lukket, om det blev tilføjet (false: punktet havde det allerede), sider", body = Attached),
        (status = 404, description = "Ukendt punkt, eller lukket uden adgang", body = ErrorBody),
        (status = 413, description = "Filen er for stor (højst 512 MB)", body = ErrorBody),
        Unreadable, Refused))]
async fn add(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path(id): Path<i64>,
    Query(p): Query<AttachParams>,
    body: Bytes,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, "der kom ingen fil med");
    }
    let settings = app.sync_settings.clone();
    let answer = with_mappe(&app, move |m| {
        m.member(scope)?
            .attach_bytes(&body, ItemId(id), p.closed, p.title.as_deref(), &settings)
    })
    .await;
    // A scanned bilag's pages are read in the background (nothing happens
    // when no page waits).
    app.sync().ocr().start();
    answer
}

#[utoipa::path(delete, path = "/api/items/{id}/attachments/{attachment}", tag = "Møder",
    summary = "Fjern et bilag, medlemmet selv har vedhæftet (aldrig et, kilden har)", description = "",
    params(("id" = i64, Path, description = "Punktets id"), ("attachment" = i64, Path, description = "Bilagets id")),
    responses((status = 200, description = "Punktet og det fjernede bilag", body = Detached),
        (status = 404, description = "Ukendt punkt eller bilag, eller lukket uden adgang", body = ErrorBody),
        Unreadable, Refused))]
pub(super) async fn remove(
    State(app): State<App>,
    Extension(scope): Extension<Scope>,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Response {
    if let Some(refused) = member_only(scope, MEMBER_ONLY) {
        return refused;
    }
    with_mappe(&app, move |m| {
        m.member(scope)?
            .detach(ItemId(id), AttachmentId(attachment), &Silent)
            .map(|()| Detached {
                item: id,
                removed: attachment,
            })
    })
    .await
}
