//! The OpenAPI document's frame: title, security schemes, tags and the
//! answers every route shares. The paths come from each handler's
//! `#[utoipa::path]` and the schemas from core's types, gathered where the
//! router is built, so the document and the router cannot drift apart.

use moedemappe_core::api::wire::ErrorBody;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{IntoResponses, Modify, OpenApi};

/// The document before the routes are added.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mødemappe lokal API",
        version = "1",
        description = "Søgning, møder, sagsforløb, noter, statistik, kilder og deling fra Mødemappes \
lokale lager. Kun på 127.0.0.1. Hver forespørgsel kræver medlemmets session (cookien fra \
login-linket, som `moedemappe serve` skriver) eller `Authorization: Bearer <nøgle>`; nøglen i \
datamappens `api-token` ser kun åbent materiale, en nøgle lavet med `moedemappe token create \
--scope closed` ser også lukket materiale. Uden adgang til lukket materiale er det helt \
fraværende: ingen titler, ingen optællinger, ingen huller i nummereringen, samme »findes ikke« \
som for det ukendte. Kun medlemmets session må ændre noget (noter, læsemærker, kilder, \
hentning, pakker, indstillinger); en nøgle får 403. Hver fejl er JSON `{\"code\", \"message\"}` \
med en dansk besked."
    ),
    servers((url = "http://127.0.0.1:7411")),
    security(("bearer" = []), ("session" = [])),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    tags(
        (name = "Søgning", description = "Søgning, tekststykker og sidetekster"),
        (name = "Møder", description = "Møder, punkter, bilag og sager"),
        (name = "Forside", description = "De næste møder, udvalg at følge, læsetempo og kalender"),
        (name = "Søgeagenter", description = "Gemte søgninger, det nye de har fundet, og beskeder om udgivne dagsordener og referater"),
        (name = "Noter", description = "Noter, markeringer og læste sider: medlemmets egne"),
        (name = "Statistik", description = "Udvalgenes arbejdsbyrde"),
        (name = "Kilder", description = "Portaler, mapper og hentning"),
        (name = "Deling", description = "Delingspakker, og deling på netværket med en 6-cifret kode"),
        (name = "Adgang", description = "Login, kalenderabonnement og dette dokument"),
    )
)]
pub(super) struct ApiDoc;

/// Adds the two ways in: a bearer token and the member's session cookie.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "moedemappe_session_<port>",
                "Medlemmets session fra login-linket; den eneste adgang, der må ændre noget",
            ))),
        );
    }
}

/// What every route behind the guard may answer besides its own answers.
#[derive(IntoResponses)]
#[allow(dead_code)] // Only its OpenAPI responses are used.
pub(super) enum Refused {
    /// Ingen session, og adgangsnøglen mangler eller er ukendt.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Fremmed Origin eller Host, eller en ændring uden medlemmets session.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Intern fejl (fx lageret kan ikke læses).
    #[response(status = 500)]
    Internal(ErrorBody),
}

/// The answer to a request whose path, query string or body does not parse.
#[derive(IntoResponses)]
#[allow(dead_code)] // Only its OpenAPI responses are used.
pub(super) enum Unreadable {
    /// Forespørgslen kan ikke læses: et id, et tal, en dato eller
    /// JSON-indholdet har en forkert form, eller en værdi er ugyldig.
    #[response(status = 400)]
    BadRequest(ErrorBody),
}

/// A file's bytes as an answer or a request body (a PDF, a zip).
pub(super) struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}
