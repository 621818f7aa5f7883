//! Our own generator must pass our own validator: every demo product's GLB has no error, and
//! its inspection matches what the generator promises (variants per colour, origin at the
//! bottom centre, real-world size).

use showroom_assets::demo::demo_catalog;
use showroom_assets::gltf::{self, Format, NoResources};

#[test]
fn every_demo_model_validates_without_errors_and_inspects_to_its_promises() {
    for product in demo_catalog() {
        let glb = product.glb();
        let checked = gltf::check(&glb, Format::Glb, &NoResources);
        let validation = &checked.validation;
        assert_eq!(
            validation.errors, 0,
            "{}: {:?}",
            product.slug, validation.problems
        );
        assert_eq!(
            validation.warnings, 0,
            "{}: {:?}",
            product.slug, validation.problems
        );
        let inspection = checked.inspection.expect("inspectable");
        assert_eq!(
            inspection.variants.len(),
            product.colors.len(),
            "{}",
            product.slug
        );
        assert!(inspection.triangles > 0 && inspection.draw_calls > 0);
        let largest = inspection.dimensions_m.iter().copied().fold(0.0, f64::max);
        assert!(
            (0.05..=3.0).contains(&largest),
            "{}: {:?}",
            product.slug,
            inspection.dimensions_m
        );
        let codes: Vec<_> = inspection
            .warnings
            .iter()
            .map(|w| w.code.as_ref())
            .collect();
        assert!(
            !codes.contains(&"ORIGIN_NOT_BOTTOM_CENTER"),
            "{}: {codes:?}",
            product.slug
        );
    }
}
