//! Placeholder of the demo interface (replaced by the real module on merge).
#![allow(missing_docs, dead_code)]
use std::path::Path;
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub scale: f64,
    pub seed: u64,
}
impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            scale: 0.05,
            seed: 2023,
        }
    }
}
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub bodies: usize,
    pub meetings: usize,
    pub items: usize,
    pub attachments: usize,
    pub pages: u64,
}
pub fn generate(_out: &Path, _opts: &DemoOptions) -> crate::Result<DemoSummary> {
    Ok(DemoSummary {
        bodies: 0,
        meetings: 0,
        items: 0,
        attachments: 0,
        pages: 0,
    })
}
