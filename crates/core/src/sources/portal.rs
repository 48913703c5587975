//! The portal connector (being written).
