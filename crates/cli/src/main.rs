//! The `moedemappe` binary: glue between the command line and `moedemappe_core::api`.

fn main() {}
