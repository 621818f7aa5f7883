//! The categories tree editor: every category indented under its parent, each row a small form
//! to rename it, change its web address or move it under another parent (a move that would make
//! a cycle is refused by the store with nothing changed), and a form to add one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use showroom_store::{build_category_tree, Category, CategoryNode, CategoryPatch, NewCategory};
use uuid::Uuid;

use super::allowed::{Allowed, Catalog};
use super::form::{top_field, FieldErrors, FormData, Refusal};
use super::layout::{page_with_status, AdminChrome, Reply};
use super::signed_in::{done, Flash, SignedIn};
use crate::pages::errors::PageError;
use crate::response_cache::invalidate_catalog;
use crate::routes::input::{CreateCategoryInput, UpdateCategoryInput};
use crate::state::AppState;

pub struct ParentChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

pub struct CategoryRow {
    pub id: String,
    pub depth: usize,
    pub name: String,
    pub slug: String,
    pub parents: Vec<ParentChoice>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesPage {
    chrome: AdminChrome,
    rows: Vec<CategoryRow>,
    new_name: String,
    new_slug: String,
    new_parents: Vec<ParentChoice>,
    new_errors: FieldErrors,
}

/// Every category depth-first, with its depth.
fn flatten(categories: Vec<Category>) -> Vec<(usize, Category)> {
    fn walk(nodes: Vec<CategoryNode>, depth: usize, out: &mut Vec<(usize, Category)>) {
        for node in nodes {
            out.push((depth, node.category));
            walk(node.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(build_category_tree(categories), 0, &mut out);
    out
}

fn parents(all: &[(usize, Category)], selected: &str, except: Option<&str>) -> Vec<ParentChoice> {
    all.iter()
        .filter(|(_, c)| Some(c.id.to_string().as_str()) != except)
        .map(|(depth, c)| {
            let id = c.id.to_string();
            ParentChoice {
                label: format!("{}{}", "— ".repeat(*depth), c.name),
                selected: id == selected,
                id,
            }
        })
        .collect()
}

/// A refused form, as typed: which row (or the new one), what was typed, the message.
enum Typed {
    Nothing,
    Row {
        id: String,
        form: FormData,
        message: String,
    },
    New {
        form: FormData,
        errors: FieldErrors,
    },
}

async fn render(
    state: &AppState,
    user: &SignedIn,
    typed: Typed,
    status: StatusCode,
) -> Result<Response, PageError> {
    let all = flatten(state.catalog.list_categories().await?);
    let mut rows: Vec<CategoryRow> = all
        .iter()
        .map(|(depth, c)| {
            let id = c.id.to_string();
            let parent = c.parent_id.map(|p| p.to_string()).unwrap_or_default();
            CategoryRow {
                depth: *depth,
                name: c.name.clone(),
                slug: c.slug.as_str().to_owned(),
                parents: parents(&all, &parent, Some(&id)),
                error: None,
                id,
            }
        })
        .collect();
    let (mut new_name, mut new_slug, mut new_parent, mut new_errors) = (
        String::new(),
        String::new(),
        String::new(),
        FieldErrors::default(),
    );
    match typed {
        Typed::Nothing => {}
        Typed::Row { id, form, message } => {
            if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
                row.name = form.get("name").to_owned();
                row.slug = form.get("slug").to_owned();
                row.parents = parents(&all, form.get("parent_id"), Some(&id));
                row.error = Some(message);
            }
        }
        Typed::New { form, errors } => {
            new_name = form.get("name").to_owned();
            new_slug = form.get("slug").to_owned();
            new_parent = form.get("parent_id").to_owned();
            new_errors = errors;
        }
    }
    let page = CategoriesPage {
        chrome: AdminChrome::new(user, "Categories", "/admin/categories").await?,
        rows,
        new_name,
        new_slug,
        new_parents: parents(&all, &new_parent, None),
        new_errors,
    };
    page_with_status(status, &page)
}

pub async fn page(State(state): State<AppState>, user: Allowed<Catalog>) -> Reply {
    Ok(render(&state, &user, Typed::Nothing, StatusCode::OK).await?)
}

fn parent_id(form: &FormData) -> Result<Option<Uuid>, Refusal> {
    form.opt("parent_id")
        .map(|raw| {
            Uuid::parse_str(raw)
                .map_err(|_| Refusal::field("parent_id", "Pick a parent from the list"))
        })
        .transpose()
}

/// After a category is added or changed: every instance's cached storefront forgets the catalog,
/// and the member goes back to the tree with `text`.
async fn back_to_tree(state: &AppState, user: &SignedIn, text: String) -> Reply {
    invalidate_catalog(state).await;
    Ok(done(user, Flash::ok(text), "/admin/categories").await?)
}

pub async fn create(
    State(state): State<AppState>,
    user: Allowed<Catalog>,
    form: FormData,
) -> Reply {
    let created = async {
        let input = CreateCategoryInput {
            slug: form.opt("slug").map(str::to_owned),
            name: form.get("name").to_owned(),
            parent_id: parent_id(&form)?,
        };
        let new = NewCategory::try_from(input)?;
        Ok::<_, Refusal>(state.catalog.create_category(new).await?)
    }
    .await;
    match created {
        Ok(category) => {
            back_to_tree(&state, &user, format!("Category {} added.", category.name)).await
        }
        Err(refusal) => {
            let (status, errors) = refusal.into_errors_beside(top_field, "name")?;
            Ok(render(&state, &user, Typed::New { form, errors }, status).await?)
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: Allowed<Catalog>,
    Path(id): Path<String>,
    form: FormData,
) -> Reply {
    let category_id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let updated = async {
        let input = UpdateCategoryInput {
            slug: form.opt("slug").map(str::to_owned),
            name: Some(form.get("name").to_owned()),
            parent_id: Some(parent_id(&form)?),
        };
        let patch = CategoryPatch::try_from(input)?;
        Ok::<_, Refusal>(state.catalog.update_category(category_id, patch).await?)
    }
    .await;
    match updated {
        Ok(category) => {
            back_to_tree(&state, &user, format!("Category {} saved.", category.name)).await
        }
        Err(refusal) => {
            let status = refusal.status();
            let message = match refusal {
                Refusal::Page(page) => return Err(page.into()),
                Refusal::Field { field, message } if field == "parent_id" => {
                    format!("Parent: {message}")
                }
                Refusal::Field { message, .. } | Refusal::Form { message, .. } => message,
            };
            let typed = Typed::Row {
                id: category_id.to_string(),
                form,
                message,
            };
            Ok(render(&state, &user, typed, status).await?)
        }
    }
}
