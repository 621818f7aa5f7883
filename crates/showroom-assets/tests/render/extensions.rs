//! The material extensions in the posters, on the shared fixtures: every model of
//! `gltf/extensions/` and `gltf/models/` draws a framed, non-blank poster; velvet
//! (`KHR_materials_sheen`) is never near-black in any look; `alphaMode: MASK` cuts holes that
//! show the background; transmissive panels let what is behind them show through.
//!
//! Each test prints `skipping: …` and passes when the fixtures folder is absent
//! (`SHOWROOM_FIXTURES` overrides `../shared/fixtures`).

use std::path::Path;

use image::RgbaImage;
use showroom_assets::render::{self, Background, RenderOptions};
use showroom_assets::scene::{self, Scene};

use crate::support::{
    assert_framed_at_least, decode, fixture_scene, fixtures, keep, manifest_models,
};

fn poster(scene: &Scene, variant: Option<usize>, background: Background) -> RgbaImage {
    render::render(
        scene,
        &RenderOptions {
            size: 192,
            background,
            variant,
        },
    )
}

/// The scene without the primitives of the named material (a fixture's backdrop), so what a
/// cut-out or a glass shows behind it is the transparent background.
fn without_material(mut scene: Scene, name: &str) -> Scene {
    let backdrop = scene
        .materials
        .iter()
        .position(|m| m.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no material {name}"));
    scene.primitives.retain(|p| p.material != Some(backdrop));
    scene
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Mean sRGB luminance (0–255) of the pixels the product covers opaquely.
fn mean_luminance(image: &RgbaImage) -> f64 {
    let covered: Vec<f64> = image
        .pixels()
        .filter(|p| p.0[3] >= 250)
        .map(|p| {
            0.2126 * f64::from(p.0[0]) + 0.7152 * f64::from(p.0[1]) + 0.0722 * f64::from(p.0[2])
        })
        .collect();
    covered.iter().sum::<f64>() / covered.len().max(1) as f64
}

#[test]
fn every_extension_fixture_renders_a_framed_non_blank_poster() {
    let Some(models) = manifest_models("gltf/extensions") else {
        return;
    };
    assert!(models.len() >= 6, "only {} models", models.len());
    for path in &models {
        let scene = decode(path);
        for variant in std::iter::once(None).chain((0..scene.variants.len()).map(Some)) {
            let image = poster(&scene, variant, Background::Transparent);
            let name = format!("ext-{}-{}", stem(path), variant.map_or(-1, |v| v as i64));
            keep(&name, &image);
            // Glass panels and cut-outs leave fewer opaque pixels: 4 % is still a product.
            assert_framed_at_least(&name, &image, 0.04);
        }
    }
}

#[test]
fn no_look_of_a_sheen_fixture_is_near_black() {
    let (Some(models), Some(extensions)) = (fixtures("gltf/models"), fixtures("gltf/extensions"))
    else {
        return;
    };
    for path in [
        models.join("SheenChair/SheenChair.gltf"),
        extensions.join("SheenCloth/SheenCloth.gltf"),
    ] {
        let scene = decode(&path);
        assert!(
            scene.materials.iter().any(|m| m.sheen.is_some()),
            "{}",
            path.display()
        );
        for variant in std::iter::once(None).chain((0..scene.variants.len()).map(Some)) {
            let image = poster(&scene, variant, Background::Transparent);
            let luminance = mean_luminance(&image);
            println!(
                "{} look {variant:?}: mean luminance {luminance:.1}",
                stem(&path)
            );
            assert!(
                luminance > 45.0,
                "{} look {variant:?} is near-black: mean luminance {luminance:.1}",
                stem(&path)
            );
        }
    }
}

/// Share of the product's bounding box (of every pixel with any alpha) that is fully clear.
fn clear_share_inside_bounds(image: &RgbaImage) -> f64 {
    let drawn = image.enumerate_pixels().filter(|(_, _, p)| p.0[3] > 0);
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, _) in drawn {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return 0.0;
    }
    let (mut clear, mut all) = (0usize, 0usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            all += 1;
            clear += usize::from(image.get_pixel(x, y).0[3] == 0);
        }
    }
    clear as f64 / all as f64
}

#[test]
fn alpha_mask_cuts_holes_that_show_the_background() {
    let Some(scene) = fixture_scene(
        "gltf/extensions",
        "AlphaBlendModeTest/AlphaBlendModeTest.glb",
    ) else {
        return;
    };
    let mut scene = without_material(scene, "MatBed");
    let image = poster(&scene, None, Background::Transparent);
    keep("AlphaBlendModeTest-panels", &image);
    let holes = clear_share_inside_bounds(&image);
    // The same model with every material opaque: only the gaps between the panels are clear.
    for m in &mut scene.materials {
        m.alpha_mode = scene::AlphaMode::Opaque;
    }
    let solid = clear_share_inside_bounds(&poster(&scene, None, Background::Transparent));
    println!(
        "clear inside the bounds: {:.1} % cut out, {:.1} % opaque",
        holes * 100.0,
        solid * 100.0
    );
    assert!(
        holes > solid + 0.03,
        "cut-outs {holes:.3} vs opaque {solid:.3}"
    );
}

#[test]
fn transmission_panels_let_the_background_show_through() {
    let Some(scene) = fixture_scene("gltf/extensions", "TransmissionTest/TransmissionTest.glb")
    else {
        return;
    };
    let mut scene = without_material(scene, "Cloth Backdrop");
    let partly = |image: &RgbaImage| {
        image
            .pixels()
            .filter(|p| (10..=240).contains(&p.0[3]))
            .count() as f64
            / f64::from(image.width() * image.height())
    };
    let glass = poster(&scene, None, Background::Transparent);
    keep("TransmissionTest-glass", &glass);
    for m in &mut scene.materials {
        m.transmission = None;
    }
    let solid = poster(&scene, None, Background::Transparent);
    println!(
        "part-transparent pixels: {:.1} % with transmission, {:.1} % without",
        partly(&glass) * 100.0,
        partly(&solid) * 100.0
    );
    assert!(
        partly(&glass) > partly(&solid) + 0.05,
        "transmissive panels are opaque: {:.3} vs {:.3}",
        partly(&glass),
        partly(&solid)
    );
}
