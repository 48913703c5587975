//! Where material comes from besides a one-off import: the public agenda portal
//! ([`portal`]) and folders on this machine that are kept in step ([`folder`]).
//! A source is configured once (`moedemappe source add …`) and brought up to
//! date by `moedemappe sync`; see [`crate::store::Source`] for what is kept
//! about each.

pub mod folder;
pub mod portal;
