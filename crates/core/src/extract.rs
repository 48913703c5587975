//! Placeholder of the extraction interface (replaced by the real module on merge).
#![allow(missing_docs, dead_code)]
use crate::model::TextStatus;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Extraction { pub page_count: Option<u32>, pub pages: Vec<String>, pub failed_pages: Vec<u32>, pub status: TextStatus, pub problem: Option<String> }
#[derive(Debug, Clone)]
pub struct WorkerCommand { pub program: PathBuf, pub args: Vec<OsString> }
impl WorkerCommand { pub fn current_exe() -> crate::Result<Self> { Ok(WorkerCommand { program: PathBuf::new(), args: vec![] }) } }
#[derive(Debug, Clone)]
pub struct ExtractOptions { pub deadline: Duration, pub workers: usize, pub command: WorkerCommand }
pub fn extract_all<K: Send>(_jobs: Vec<(K, PathBuf)>, _opts: &ExtractOptions, _on_done: impl FnMut(K, Extraction) + Send) -> crate::Result<()> { Ok(()) }
pub fn worker_main() {}
