//! The procedural demo models, optimized.

use showroom_assets::demo;
use showroom_assets::gltf::{self, Format, NoResources};
use showroom_assets::optimize::{self, OptimizeOptions};

use crate::support::{assert_faithful, assert_renders, keep, node_names};

#[test]
fn every_demo_model_optimizes_to_valid_smaller_outputs_that_keep_the_model() {
    for product in demo::demo_catalog() {
        let glb = product.glb();
        let input = gltf::inspect(&glb, Format::Glb, &NoResources).unwrap();
        let optimized =
            optimize::optimize(&glb, Format::Glb, &NoResources, &OptimizeOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", product.slug));
        keep(&format!("demo-{}", product.slug), &optimized);
        assert_faithful(product.slug, &input, &optimized);
        assert_renders(product.slug, &optimized.glb);
        assert_eq!(
            node_names(&optimized.glb),
            node_names(&glb),
            "{}",
            product.slug
        );
        assert!(
            optimized.glb.len() < glb.len(),
            "{}: {} bytes, input {}",
            product.slug,
            optimized.glb.len(),
            glb.len()
        );
    }
}
