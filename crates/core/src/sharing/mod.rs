//! Sharing bundles.
