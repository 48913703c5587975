//! The folder format: `<root>/<body>/<YYYY-MM-DD>/<NN> <item title>/<attachment>.pdf`,
//! with optional `body.json` and `meeting.json` (see [`schema`]). A folder of
//! PDFs without that structure is a plain document collection ([`scan`]).

pub mod scan;
pub mod schema;
