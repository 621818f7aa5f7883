//! The procedural demo models: every one packages, with its colour variants.

use showroom_assets::demo;
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::scene;
use showroom_assets::usdz::{self, UsdzOptions};

use crate::support::{check_package, package, Summary};

#[test]
fn every_demo_model_becomes_a_conforming_package_with_its_colour_variants() {
    for product in demo::demo_catalog() {
        let scene = scene::decode(&product.glb(), Format::Glb, &NoResources)
            .unwrap_or_else(|e| panic!("{}: {e}", product.slug));
        let bytes = package(&format!("demo-{}", product.slug), &scene);
        let layer = check_package(product.slug, &Summary::of(&scene), &bytes);
        for color in product.colors {
            let wanted: String = color
                .0
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            assert!(
                layer.variants.contains(&wanted),
                "{}: no variant {wanted} in {:?}",
                product.slug,
                layer.variants
            );
        }
    }
}

#[test]
fn the_same_scene_always_gives_the_same_bytes() {
    let glb = demo::generate(
        demo::DemoKind::Sneaker,
        &[
            ("Chalk white", [0.9, 0.9, 0.88, 1.0]),
            ("Ink", [0.05, 0.05, 0.1, 1.0]),
        ],
    );
    let scene = scene::decode(&glb, Format::Glb, &NoResources).unwrap();
    let first = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let again = usdz::from_scene(&scene.clone(), &UsdzOptions::default()).unwrap();
    assert_eq!(first, again);
}
