//! The OpenAPI 3.1 document, assembled from the same routers that serve requests (utoipa-axum),
//! so a handler cannot exist without its documentation. A snapshot test in the binary's test
//! suite fails when the document drifts from the checked-in copy.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Showroom API", description = "Catalog, storefront and admin API of the Showroom 3D shop."),
    modifiers(&AdminToken),
    tags(
        (name = "storefront", description = "What shoppers see: published products and categories"),
        (name = "admin", description = "Catalog management; requires the admin API token"),
        (name = "assets", description = "Immutable, content-addressed files"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct AdminToken;

impl Modify for AdminToken {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The admin API token from the configuration"))
                    .build(),
            ),
        );
    }
}

/// The whole document, as served at `/api/openapi.json`.
pub fn openapi_document() -> OpenApiDoc {
    crate::app::api_routers().1
}
