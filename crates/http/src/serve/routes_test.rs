//! The OpenAPI document against the router itself: every documented path is
//! routed with exactly the documented methods, and every typed parameter the
//! document names is read by the handler (a malformed value is refused).

use super::*;
use axum::body::Body;
use axum::http::Method;
use serde_json::Value;
use tower::ServiceExt;

/// A router on an empty data directory, as the desktop shell has it.
fn router_on(dir: &std::path::Path) -> Router {
    let mappe = Arc::new(Mappe::open(dir).unwrap());
    let (jobs, settings) = moedemappe_core::api::background_sync(mappe.clone()).unwrap();
    embedded(mappe, jobs, settings, "mappe://localhost")
}

/// `path` with each `{param}` replaced by `value`.
fn filled(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out + rest
}

async fn send(router: &Router, method: Method, uri: &str) -> (StatusCode, HeaderMap, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:0")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The document as JSON, and its operations: path, method, operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((path.clone(), method.clone(), op.clone()));
        }
    }
    ops
}

#[tokio::test]
async fn every_documented_path_has_exactly_the_documented_methods() {
    let dir = tempfile::tempdir().unwrap();
    let router = router_on(dir.path());
    let doc = serde_json::to_value(openapi_document()).unwrap();
    let ops = operations(&doc);
    assert!(ops.len() > 40, "the document lists the API ({})", ops.len());
    let paths: std::collections::BTreeSet<&String> = ops.iter().map(|(p, _, _)| p).collect();
    for path in paths {
        let mut documented: Vec<String> = ops
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, m, _)| m.to_uppercase())
            .collect();
        // A method no route has: the router answers 405 and lists the ones
        // it has, without running any handler.
        let (status, headers, body) = send(&router, Method::PATCH, &filled(path, "1")).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}: {body}");
        assert_eq!(body["code"], "method_not_allowed", "{path}");
        let mut routed: Vec<String> = headers
            .get(header::ALLOW)
            .unwrap_or_else(|| panic!("{path}: no Allow header"))
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_string())
            // axum answers HEAD wherever it answers GET.
            .filter(|m| m != "HEAD")
            .collect();
        routed.sort();
        documented.sort();
        assert_eq!(routed, documented, "{path}");
    }
    // A path the document does not have is not routed.
    let (status, _, body) = send(&router, Method::GET, "/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// A value that does not parse as `schema`'s type, if it has one.
fn malformed(schema: &Value) -> Option<&'static str> {
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        // ["integer", "null"] and the like.
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")?
            .to_string(),
        _ => return None,
    };
    match (kind.as_str(), schema["format"].as_str()) {
        ("integer", _) => Some("ikke-et-tal"),
        ("boolean", _) => Some("maaske"),
        ("string", Some("date")) => Some("2024-13-45"),
        _ => None,
    }
}

#[tokio::test]
async fn every_typed_parameter_in_the_document_is_read_by_its_handler() {
    let dir = tempfile::tempdir().unwrap();
    let router = router_on(dir.path());
    let doc = serde_json::to_value(openapi_document()).unwrap();
    let mut checked = 0;
    for (path, method, op) in operations(&doc) {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        for param in op["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let Some(bad) = malformed(&param["schema"]) else {
                continue;
            };
            // Every other path parameter well formed, this one (or the query
            // parameter) malformed: the extractor refuses before the handler
            // runs, so nothing is changed.
            let uri = match param["in"].as_str() {
                Some("path") => filled(&path.replace(&format!("{{{name}}}"), bad), "1"),
                Some("query") => format!("{}?{name}={bad}", filled(&path, "1")),
                other => panic!("{path}: parameter {name} in {other:?}"),
            };
            let (status, _, body) = send(&router, method.clone(), &uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {body}");
            assert_eq!(body["code"], "invalid", "{method} {uri}");
            checked += 1;
        }
    }
    assert!(checked > 30, "typed parameters checked: {checked}");
}
