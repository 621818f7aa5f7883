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
        (name = "account", description = "Customer sessions, accounts and their orders; cookie writes need `X-CSRF-Token`"),
        (name = "staff", description = "Staff login, staff accounts and API tokens"),
        (name = "checkout", description = "Guest checkout with an `Idempotency-Key`, and the guest's order read"),
        (name = "cart", description = "The shopper's cart in their session: lines, totals preview and checkout"),
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

/// The shield answers before any handler, on every route: a blocked request (403), a method it
/// does not allow (405), an oversized URL or headers (414, 431), a rate limit (429) and load
/// shedding (503). Each operation documents those it does not already, so clients and contract
/// tests know every status they can meet.
pub(crate) fn document_shield_responses(document: &mut OpenApiDoc) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let shield_statuses = [
        (
            "403",
            "Blocked by the shield (a request rule or the IP deny list)",
        ),
        ("405", "Method not allowed"),
        ("414", "The URL is too long"),
        ("429", "Rate limited; retry after `Retry-After` seconds"),
        ("431", "The request headers are too large"),
        (
            "503",
            "Overloaded or unavailable; retry after `Retry-After` seconds",
        ),
    ];
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            // Any JSON body goes through `ApiJson`, which can refuse it before the handler.
            let body_statuses: &[(&str, &str)] = if operation.request_body.is_some() {
                &[
                    ("400", "The body is not well-formed JSON"),
                    ("413", "The body is too large"),
                    ("415", "The body is not `application/json`"),
                    ("422", "A field is invalid (named in `field`)"),
                ]
            } else {
                &[]
            };
            for &(status, description) in shield_statuses.iter().chain(body_statuses) {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| {
                        let content = ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build();
                        RefOr::T(
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/problem+json", content)
                                .build(),
                        )
                    });
            }
        }
    }
}
