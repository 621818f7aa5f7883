//! The procedural demo models: every one renders, and colour variants differ.

use showroom_assets::demo;
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::render::{self, Background, RenderOptions};
use showroom_assets::scene;

use crate::support::{assert_framed, keep, mean_color_difference};

#[test]
fn every_demo_model_renders_and_its_colour_variants_differ() {
    for product in demo::demo_catalog() {
        let glb = product.glb();
        let scene = scene::decode(&glb, Format::Glb, &NoResources)
            .unwrap_or_else(|e| panic!("{}: {e}", product.slug));
        let options = |variant| RenderOptions {
            size: 128,
            background: Background::Transparent,
            variant,
        };
        let default = render::render(&scene, &options(None));
        keep(&format!("demo-{}", product.slug), &default);
        assert_framed(product.slug, &default);
        if scene.variants.len() >= 2 {
            let first = render::render(&scene, &options(Some(0)));
            let last = render::render(&scene, &options(Some(scene.variants.len() - 1)));
            let difference = mean_color_difference(&first, &last);
            assert!(
                difference > 3.0,
                "{}: variants {:?} differ by only {difference:.1}",
                product.slug,
                scene.variants
            );
        }
    }
}

/// The demo chair in its default colours, rendered at 64 px on `background`.
fn chair_poster(background: Background) -> image::RgbaImage {
    let glb = demo::generate(demo::DemoKind::Chair, &[]);
    let scene = scene::decode(&glb, Format::Glb, &NoResources).unwrap();
    let options = RenderOptions {
        size: 64,
        background,
        variant: None,
    };
    render::render(&scene, &options)
}

#[test]
fn a_white_background_is_opaque_everywhere() {
    let image = chair_poster(Background::White);
    assert!(image.pixels().all(|p| p.0[3] == 255));
    assert_eq!(image.get_pixel(0, 0).0, [255, 255, 255, 255]);
}

#[test]
fn posters_encode_as_png_and_webp() {
    let image = chair_poster(RenderOptions::default().background);
    let png = render::encode(&image, render::PosterFormat::Png).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let webp = render::encode(&image, render::PosterFormat::Webp).unwrap();
    assert_eq!(&webp[8..12], b"WEBP");
}

#[test]
fn a_document_with_errors_is_refused() {
    let mut glb = demo::generate(demo::DemoKind::Chair, &[]);
    // Break the GLB magic: the container is unreadable.
    glb[0] = b'x';
    assert!(scene::decode(&glb, Format::Glb, &NoResources).is_err());
}
