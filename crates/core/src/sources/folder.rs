//! Folder sources (being written).
