//! The back office's shared chrome (`templates/admin/base.html`): the title, the navigation a
//! member's role allows (a `staff` member never sees the staff or token links), who is signed
//! in with the sign-out form, the one-shot flash message, and our static files under their
//! hashed URLs. Also [`message_page`], the plain page for refusals (403, an expired form).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::signed_in::{Flash, SignedIn};
use crate::pages::errors::PageError;
use crate::pages::render::message_with_status;
pub use crate::pages::render::page_with_status;
use crate::pages::static_files;
use crate::principal::Permission;

/// One entry of the back office's navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The sections, in navigation order, with the permission each needs.
const SECTIONS: [(&str, &str, Option<Permission>); 7] = [
    ("/admin", "Dashboard", None),
    ("/admin/products", "Products", Some(Permission::Catalog)),
    ("/admin/categories", "Categories", Some(Permission::Catalog)),
    ("/admin/orders", "Orders", Some(Permission::Orders)),
    ("/admin/discounts", "Discounts", Some(Permission::Discounts)),
    ("/admin/staff", "Staff", Some(Permission::Access)),
    ("/admin/tokens", "API tokens", Some(Permission::Access)),
];

/// What `admin/base.html` needs from every back-office page.
pub struct AdminChrome {
    pub title: String,
    pub nav: Vec<NavLink>,
    /// The signed-in member's email and role; empty on the sign-in page.
    pub who: String,
    pub role: &'static str,
    /// The session's CSRF token, for every form on the page.
    pub csrf: String,
    pub flash: Option<Flash>,
    pub icon: &'static str,
    pub site_css: &'static str,
    pub admin_css: &'static str,
    pub admin_js: &'static str,
    /// Extra ES modules this page loads.
    pub modules: Vec<&'static str>,
}

impl AdminChrome {
    /// The chrome for `user` on a page of section `current` (its navigation `href`); takes the
    /// flash message left by the last form.
    pub async fn new(
        user: &SignedIn,
        title: impl Into<String>,
        current: &str,
    ) -> Result<Self, PageError> {
        let flash = user.take_flash().await?;
        Ok(Self {
            flash,
            ..Self::for_member(Some(user), title.into(), current)
        })
    }

    fn for_member(user: Option<&SignedIn>, title: String, current: &str) -> Self {
        let nav = match user {
            Some(user) => SECTIONS
                .iter()
                .filter(|(_, _, needs)| needs.is_none_or(|p| user.may(p)))
                .map(|&(href, label, _)| NavLink {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
            None => Vec::new(),
        };
        Self {
            title,
            nav,
            who: user
                .map(|u| u.member.email.as_typed().to_owned())
                .unwrap_or_default(),
            role: user.map(|u| u.member.role.as_str()).unwrap_or(""),
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
            flash: None,
            icon: static_files::url("img/icon.svg"),
            site_css: static_files::url("css/site.css"),
            admin_css: static_files::url("css/admin.css"),
            admin_js: static_files::url("js/admin/admin.js"),
            modules: Vec::new(),
        }
    }

    /// The chrome of a page shown before sign-in (the sign-in page itself).
    pub fn anonymous(title: impl Into<String>, csrf: String) -> Self {
        Self {
            csrf,
            ..Self::for_member(None, title.into(), "")
        }
    }

    pub fn with_module(mut self, path: &str) -> Self {
        self.modules.push(static_files::url(path));
        self
    }
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    chrome: AdminChrome,
    status: u16,
    heading: &'a str,
    detail: &'a str,
}

/// A plain back-office page with `status`: a refusal or a notice, with a way back.
pub fn message_page(
    status: StatusCode,
    user: Option<&SignedIn>,
    heading: &str,
    detail: &str,
) -> Response {
    let page = MessagePage {
        chrome: AdminChrome::for_member(user, heading.to_owned(), ""),
        status: status.as_u16(),
        heading,
        detail,
    };
    message_with_status(status, &page, heading, "admin message")
}

/// What a back-office handler answers: the page, or the page that refuses the request. A
/// member's refusal ([`SignedIn::require`]) is already a response, and `?` turns an error page
/// into one too.
pub type Reply = Result<Response, Response>;

impl From<PageError> for Response {
    fn from(error: PageError) -> Self {
        error.into_response()
    }
}

impl From<super::form::Refusal> for Response {
    fn from(refusal: super::form::Refusal) -> Self {
        refusal.into_response()
    }
}
