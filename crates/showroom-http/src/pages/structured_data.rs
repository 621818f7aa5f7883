//! Structured data for search engines: JSON-LD `Product` with one `Offer` per variant (price,
//! currency, availability, its own URL) and the page's `BreadcrumbList`. Every URL is absolute
//! on `public_url`.

use serde_json::{json, Value};
use showroom_store::Product;

use super::chrome::{absolute, json_ld};
use super::format;
use crate::state::AppState;

pub fn product(
    state: &AppState,
    product: &Product,
    path: &str,
    image: Option<&str>,
    category: Option<(&str, &str)>,
) -> Vec<String> {
    let url = absolute(state, path);
    let offers: Vec<Value> = product
        .variants
        .iter()
        .map(|variant| {
            let availability = match variant.available() {
                i64::MIN..=0 => "https://schema.org/OutOfStock",
                1..=5 => "https://schema.org/LimitedAvailability",
                _ => "https://schema.org/InStock",
            };
            json!({
                "@type": "Offer",
                "sku": variant.sku.as_str(),
                "price": format::decimal(variant.price),
                "priceCurrency": variant.price.currency.code(),
                "availability": availability,
                "url": format!("{url}?variant={}", variant.id),
                "itemCondition": "https://schema.org/NewCondition",
            })
        })
        .collect();
    let mut document = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title.as_str(),
        "description": product.description.as_str(),
        "url": url,
        "brand": {"@type": "Brand", "name": "Showroom"},
        "offers": offers,
    });
    if let Some(image) = image {
        document["image"] = json!([image]);
    }
    if let Some(first) = product.variants.first() {
        document["sku"] = json!(first.sku.as_str());
    }
    let mut crumbs = vec![
        json!({"@type": "ListItem", "position": 1, "name": "Home", "item": absolute(state, "/")}),
    ];
    if let Some((slug, name)) = category {
        crumbs.push(json!({"@type": "ListItem", "position": 2, "name": name, "item": absolute(state, &format!("/c/{slug}"))}));
    }
    crumbs.push(json!({"@type": "ListItem", "position": crumbs.len() + 1, "name": product.title.as_str(), "item": url}));
    let breadcrumbs = json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": crumbs,
    });
    vec![json_ld(&document), json_ld(&breadcrumbs)]
}
