//! The `moedemappe` binary: glue between the command line and `moedemappe_core::api`.

// Only until the rest of main() is merged in after the dispatch below.
#[allow(clippy::needless_return)]
fn main() {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == "extract-worker")
    {
        moedemappe_core::extract::worker_main();
        return;
    }
}
