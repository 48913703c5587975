//! `POST /api/items/{id}/attachments` and `DELETE
//! /api/items/{id}/attachments/{attachment}`: the member attaches a PDF they
//! received to an agenda item (the body is the PDF; `closed` and `title` in
//! the query string), or removes one they attached. The member's only.

use super::{error, member_only, with_mappe, App};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, post, MethodRouter};
use axum::Extension;
use moedemappe_core::api::{Scope, Silent, MAX_ATTACH_BYTES};
use moedemappe_core::model::{AttachmentId, ItemId};
use serde::Deserialize;

const MEMBER_ONLY: &str = "kun medlemmet selv kan vedhæfte og fjerne bilag";

/// The query string of an upload.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AttachParams {
    closed: bool,
    title: Option<String>,
}

/// `POST /api/items/{id}/attachments`, taking PDFs up to [`MAX_ATTACH_BYTES`].
pub(super) fn add_route() -> MethodRouter<App> {
    post(add).layer(DefaultBodyLimit::max(MAX_ATTACH_BYTES))
}

/// `DELETE /api/items/{id}/attachments/{attachment}`.
pub(super) fn remove_route() -> MethodRouter<App> {
    delete(remove)
}

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
    with_mappe(&app, move |m| {
        m.member(scope)?
            .attach_bytes(&body, ItemId(id), p.closed, p.title.as_deref(), &settings)
    })
    .await
}

async fn remove(
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
            .map(|()| serde_json::json!({ "item": id, "removed": attachment }))
    })
    .await
}
