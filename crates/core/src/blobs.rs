//! blobs (being written).
