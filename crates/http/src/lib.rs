//! The HTTP layer of Mødemappe as a library: the axum router of
//! `moedemappe serve`, used by the `moedemappe` binary (over TCP on
//! 127.0.0.1) and by the desktop shell `moedemappe-app` (in-process, behind
//! its custom URI scheme).

pub mod serve;
