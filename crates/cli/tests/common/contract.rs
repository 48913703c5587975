//! The API's promises, checked on real answers: every status an operation
//! answers is declared in the OpenAPI document, with the content type
//! given, and a JSON body validates against the declared schema.

use serde_json::{json, Value};
use std::collections::HashMap;

/// The OpenAPI document and the validators made from it so far.
pub struct Contract {
    doc: Value,
    validators: HashMap<String, jsonschema::Validator>,
    /// How many answers were checked, and how many had a schema.
    pub checked: usize,
    pub validated: usize,
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
            "an OpenAPI 3 document"
        );
        Contract {
            doc,
            validators: HashMap::new(),
            checked: 0,
            validated: 0,
        }
    }

    /// The documented paths, each with its methods in lower case.
    pub fn operations(&self) -> Vec<(String, Vec<String>)> {
        self.doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(path, item)| {
                (
                    path.clone(),
                    item.as_object().unwrap().keys().cloned().collect(),
                )
            })
            .collect()
    }

    /// Whether the answer `status`, `kind` (its content type) and `body` to
    /// `method path` (the documented path, with its `{params}`) is one the
    /// document promises; if not, what is wrong.
    pub fn check(
        &mut self,
        method: &str,
        path: &str,
        status: u16,
        kind: &str,
        body: &str,
    ) -> Result<(), String> {
        self.checked += 1;
        let method = method.to_lowercase();
        let op = &self.doc["paths"][path][&method];
        if !op.is_object() {
            return Err(format!("{method} {path} is not documented"));
        }
        let Some(response) = op["responses"].get(status.to_string()) else {
            return Err(format!("{method} {path}: status {status} is not declared"));
        };
        let media = kind.split(';').next().unwrap_or("").trim().to_string();
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return if body.is_empty() || (300..400).contains(&status) {
                Ok(())
            } else {
                Err(format!(
                    "{method} {path} {status}: a body ({media}) where none is declared"
                ))
            };
        };
        let Some(declared) = content.get(&media) else {
            return Err(format!(
                "{method} {path} {status}: content type {media:?} is not declared ({:?})",
                content.keys().collect::<Vec<_>>()
            ));
        };
        if media != "application/json" {
            return Ok(());
        }
        let instance: Value = serde_json::from_str(body)
            .map_err(|e| format!("{method} {path} {status}: not JSON ({e}): {body:.200}"))?;
        let key = format!("{method} {path} {status}");
        if !self.validators.contains_key(&key) {
            // The schema's `#/components/...` references resolve against
            // this root, which carries the document's components.
            let root = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": self.doc["components"].clone(),
                "allOf": [declared["schema"].clone()],
            });
            let validator = jsonschema::draft202012::new(&root)
                .map_err(|e| format!("{key}: the declared schema does not compile: {e}"))?;
            self.validators.insert(key.clone(), validator);
        }
        self.validated += 1;
        let errors: Vec<String> = self.validators[&key]
            .iter_errors(&instance)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{key}: the answer breaks the schema: {}",
                errors.join("; ")
            ))
        }
    }
}
