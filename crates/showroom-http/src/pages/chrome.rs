//! The parts every page shares: the layout's data ([`Chrome`]: title, description, canonical
//! URL, Open Graph image, structured data, navigation) and the absolute URLs built from the
//! `public_url` setting — never from the request's `Host` header, which a client controls.
//!
//! Templates render through askama with its HTML escaper on every `{{ }}`; the only value marked
//! `safe` is the JSON-LD, which [`json_ld`] escapes for a `<script>` block itself.

use serde::Serialize;
use showroom_store::{build_category_tree, Category, CategoryNode};

use super::static_files;
use crate::error::ApiError;
use crate::state::AppState;

/// A category link in the navigation.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct NavCategory {
    pub slug: String,
    pub name: String,
}

/// What the layout (`base.html`) needs from every page.
pub struct Chrome {
    pub title: String,
    pub description: String,
    /// Absolute canonical URL; `None` for pages that must not be indexed (cart, checkout).
    pub canonical: Option<String>,
    /// Absolute URL of the sharing picture.
    pub og_image: Option<String>,
    pub og_type: &'static str,
    /// JSON-LD documents, already escaped for a `<script type="application/ld+json">` block.
    pub json_ld: Vec<String>,
    pub nav: Vec<NavCategory>,
    /// The nav entry to mark as current.
    pub current: String,
    pub noindex: bool,
    /// The search box's text.
    pub search: String,
    pub css: &'static str,
    pub icon: &'static str,
    pub site_js: &'static str,
    /// Extra ES modules this page loads.
    pub modules: Vec<&'static str>,
    /// The header's link to the account.
    pub account: AccountLink,
}

/// The header's account link as far as the page knows who is shopping. Pages that are the same
/// for everyone (shared-cacheable catalog pages) cannot know: they say "Account", and `site.js`
/// turns it into "Sign in" or "Your account" from the `showroom_signed_in` hint cookie. Pages for
/// one shopper (cart, checkout, orders, account) say which it is themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountLink {
    #[default]
    Unknown,
    SignedIn,
    SignedOut,
}

impl AccountLink {
    pub fn of(customer: Option<uuid::Uuid>) -> Self {
        if customer.is_some() {
            Self::SignedIn
        } else {
            Self::SignedOut
        }
    }

    pub fn href(self) -> &'static str {
        match self {
            Self::SignedOut => "/account/login",
            Self::Unknown | Self::SignedIn => "/account",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "Account",
            Self::SignedIn => "Your account",
            Self::SignedOut => "Sign in",
        }
    }

    pub fn is_signed_out(self) -> bool {
        self == Self::SignedOut
    }

    /// Whether `site.js` should settle the link from the hint cookie.
    pub fn is_unknown(self) -> bool {
        self == Self::Unknown
    }
}

impl Chrome {
    pub async fn new(state: &AppState, title: impl Into<String>) -> Result<Self, ApiError> {
        Ok(Self {
            title: title.into(),
            description:
                "Furniture, gadgets and fashion you can turn, zoom and place in your room \
                          before you buy."
                    .into(),
            canonical: None,
            og_image: None,
            og_type: "website",
            json_ld: Vec::new(),
            nav: nav_categories(state).await?,
            current: String::new(),
            noindex: false,
            search: String::new(),
            css: static_files::url("css/site.css"),
            icon: static_files::url("img/icon.svg"),
            site_js: static_files::url("js/site.js"),
            modules: Vec::new(),
            account: AccountLink::Unknown,
        })
    }

    /// A page for one shopper: the header names their account, or offers to sign in.
    pub fn for_shopper(mut self, customer: Option<uuid::Uuid>) -> Self {
        self.account = AccountLink::of(customer);
        self
    }

    /// The chrome of a page that belongs to one shopper (their cart, checkout or account): the
    /// header's account link is theirs, and search engines are asked not to index it.
    pub async fn private(
        state: &AppState,
        title: impl Into<String>,
        customer: Option<uuid::Uuid>,
    ) -> Result<Self, ApiError> {
        let mut chrome = Self::new(state, title).await?.for_shopper(customer);
        chrome.noindex = true;
        Ok(chrome)
    }

    pub fn canonical_path(mut self, state: &AppState, path_and_query: &str) -> Self {
        self.canonical = Some(absolute(state, path_and_query));
        self
    }
}

/// `path_and_query` (starting with `/`) on the public origin; an absolute URL stays as it is
/// (media on a CDN).
pub fn absolute(state: &AppState, path_and_query: &str) -> String {
    if path_and_query.starts_with("http://") || path_and_query.starts_with("https://") {
        return path_and_query.to_owned();
    }
    format!("{}{path_and_query}", state.settings.public_url)
}

/// A JSON document made safe inside `<script type="application/ld+json">`: `<`, `>` and `&`
/// become JSON escapes, so no text from the catalog can close the element.
pub fn json_ld(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Every category, flat and sorted by name, from the shared cache (invalidated by every
/// catalog write, like the API's category tree).
pub async fn categories(state: &AppState) -> Result<Vec<Category>, ApiError> {
    let catalog = &state.catalog;
    let bytes = showroom_cache::get_or_fill(
        state.cache.as_ref(),
        crate::response_cache::Namespace::Categories.as_str(),
        "pages:flat",
        Some(state.settings.cache_ttl),
        || async move {
            let list = catalog.list_categories().await?;
            serde_json::to_vec(&list)
                .map(bytes::Bytes::from)
                .map_err(ApiError::internal)
        },
    )
    .await?;
    match serde_json::from_slice(&bytes) {
        Ok(list) => Ok(list),
        // Written by another version sharing the cache: read the store instead.
        Err(_) => Ok(state.catalog.list_categories().await?),
    }
}

async fn nav_categories(state: &AppState) -> Result<Vec<NavCategory>, ApiError> {
    let tree: Vec<CategoryNode> = build_category_tree(categories(state).await?);
    Ok(tree
        .into_iter()
        .map(|node| NavCategory {
            slug: node.category.slug.to_string(),
            name: node.category.name,
        })
        .collect())
}
