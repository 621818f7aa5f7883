//! Turns the flat category list a backend returns into the nested tree the storefront shows.
//! Children keep the order of the input (backends sort by name); orphans (a parent that no longer
//! exists) are shown at the top level rather than lost.

use std::collections::HashMap;

use uuid::Uuid;

use crate::{Category, CategoryNode};

pub fn build_category_tree(categories: Vec<Category>) -> Vec<CategoryNode> {
    let known: std::collections::HashSet<Uuid> = categories.iter().map(|c| c.id).collect();
    let mut children_of: HashMap<Option<Uuid>, Vec<Category>> = HashMap::new();
    for category in categories {
        let parent = category.parent_id.filter(|p| known.contains(p));
        children_of.entry(parent).or_default().push(category);
    }
    attach(None, &mut children_of, 0)
}

/// Depth is bounded so a corrupted cycle in the data cannot recurse forever.
fn attach(
    parent: Option<Uuid>,
    children_of: &mut HashMap<Option<Uuid>, Vec<Category>>,
    depth: usize,
) -> Vec<CategoryNode> {
    if depth > 32 {
        return Vec::new();
    }
    let Some(children) = children_of.remove(&parent) else {
        return Vec::new();
    };
    children
        .into_iter()
        .map(|category| {
            let id = category.id;
            CategoryNode {
                category,
                children: attach(Some(id), children_of, depth + 1),
            }
        })
        .collect()
}
