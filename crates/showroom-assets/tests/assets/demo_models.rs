//! Every demo model is a valid, grounded, plausibly sized GLB whose colour variants are the
//! colours it was asked for, and generating it twice gives the same bytes.

use showroom_assets::demo::{self, DemoCategory, DemoKind};

use crate::glb_checks::{check_mappings, parse, variant_names};

const TEST_COLORS: &[(&str, [f32; 4])] = &[
    ("Signal Red", [0.8, 0.05, 0.05, 1.0]),
    ("Ocean", [0.05, 0.3, 0.6, 1.0]),
    ("Off White", [0.95, 0.94, 0.9, 1.0]),
];

#[test]
fn there_are_at_least_twelve_kinds_across_all_three_categories() {
    assert!(DemoKind::ALL.len() >= 12);
    for category in [
        DemoCategory::Furniture,
        DemoCategory::Gadgets,
        DemoCategory::Fashion,
    ] {
        let count = DemoKind::ALL
            .iter()
            .filter(|k| k.category() == category)
            .count();
        assert!(count >= 4, "{category:?} has only {count} kinds");
    }
}

#[test]
fn every_kind_is_a_valid_grounded_model_of_plausible_size() {
    for &kind in DemoKind::ALL.iter() {
        let parsed = parse(&demo::generate(kind, TEST_COLORS));
        let [min, max] = [parsed.min, parsed.max];
        assert!(min[1].abs() < 1e-4, "{kind}: min y is {}", min[1]);
        assert!(
            (min[0] + max[0]).abs() / 2.0 < 1e-4,
            "{kind}: not centred on x"
        );
        assert!(
            (min[2] + max[2]).abs() / 2.0 < 1e-4,
            "{kind}: not centred on z"
        );
        let size: Vec<f32> = (0..3).map(|axis| max[axis] - min[axis]).collect();
        let largest = size.iter().copied().fold(0.0, f32::max);
        assert!(
            kind.category().size_range_m().contains(&largest),
            "{kind}: {size:?} m is implausible for {:?}",
            kind.category()
        );
        assert!(
            size.iter().all(|&s| s > 0.001),
            "{kind}: flat model {size:?}"
        );
        assert!(
            parsed.vertex_count < 200_000,
            "{kind}: {} vertices",
            parsed.vertex_count
        );
    }
}

#[test]
fn variants_are_the_given_colours_and_map_to_existing_materials() {
    let expected: Vec<String> = TEST_COLORS.iter().map(|(n, _)| (*n).to_owned()).collect();
    for &kind in DemoKind::ALL.iter() {
        let parsed = parse(&demo::generate(kind, TEST_COLORS));
        assert_eq!(variant_names(&parsed.json), expected, "{kind}");
        assert!(
            check_mappings(&parsed.json) >= 1,
            "{kind}: no primitive follows the colour"
        );
        for (i, (_, rgba)) in TEST_COLORS.iter().enumerate() {
            let material = &parsed.json["materials"][i];
            let factor: Vec<f64> = material["pbrMetallicRoughness"]["baseColorFactor"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_f64().unwrap())
                .collect();
            let wanted: Vec<f64> = rgba.iter().map(|&c| f64::from(c)).collect();
            assert_eq!(factor, wanted, "{kind}: material {i} is colour {i}");
        }
    }
}

#[test]
fn generation_is_deterministic_and_depends_on_the_colours() {
    for &kind in DemoKind::ALL.iter() {
        let first = demo::generate(kind, TEST_COLORS);
        assert_eq!(first, demo::generate(kind, TEST_COLORS), "{kind}");
        assert_ne!(first, demo::generate(kind, &TEST_COLORS[..1]), "{kind}");
    }
}

#[test]
fn no_colours_means_the_kinds_default_colours() {
    let kind = DemoKind::Sofa;
    let parsed = parse(&demo::generate(kind, &[]));
    let defaults: Vec<String> = kind
        .default_colors()
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    assert!(!defaults.is_empty());
    assert_eq!(variant_names(&parsed.json), defaults);
}

#[test]
fn out_of_range_colours_are_clamped_not_written_invalid() {
    let parsed = parse(&demo::generate(
        DemoKind::Cap,
        &[("Weird", [f32::NAN, 2.0, -1.0, f32::INFINITY])],
    ));
    let factor = &parsed.json["materials"][0]["pbrMetallicRoughness"]["baseColorFactor"];
    assert_eq!(factor, &serde_json::json!([0.0, 1.0, 0.0, 0.0]));
}

#[test]
fn the_catalog_has_24_distinct_products_whose_models_carry_their_colours() {
    let catalog = demo::demo_catalog();
    assert!(catalog.len() >= 24);
    let mut slugs: Vec<&str> = catalog.iter().map(|p| p.slug).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), catalog.len(), "slugs are unique");
    for product in &catalog {
        assert!(product.price_minor > 0, "{}", product.slug);
        assert!(!product.colors.is_empty(), "{}", product.slug);
        let parsed = parse(&product.glb());
        let names: Vec<&str> = product.colors.iter().map(|(n, _)| *n).collect();
        assert_eq!(variant_names(&parsed.json), names, "{}", product.slug);
    }
}
