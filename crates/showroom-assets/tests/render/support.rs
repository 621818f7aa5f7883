//! Shared checks on rendered posters, and where the fixtures are.

use std::path::{Path, PathBuf};

use image::RgbaImage;
use showroom_assets::gltf::AssetFile;
use showroom_assets::scene::{self, Scene};

pub use showroom_test_support::{fixtures, manifest_models};

/// The scene of the model file at `path`; a file that does not decode fails the test.
pub fn decode(path: &Path) -> Scene {
    let file = AssetFile::open(path).unwrap();
    scene::decode_file(&file).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The scene of the fixture `file` in the fixtures folder `dir`, or `None` (after saying
/// `skipping: …`) when the fixtures are absent.
pub fn fixture_scene(dir: &str, file: &str) -> Option<Scene> {
    fixtures(dir).map(|root| decode(&root.join(file)))
}

/// Writes `image` to `$SHOWROOM_RENDER_OUT/<name>.png` when that variable is set.
pub fn keep(name: &str, image: &RgbaImage) {
    if let Some(dir) = std::env::var_os("SHOWROOM_RENDER_OUT") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        image.save(dir.join(format!("{name}.png"))).unwrap();
    }
}

/// Share of the poster the product covers (opaque pixels), 0..=1.
pub fn coverage(image: &RgbaImage) -> f64 {
    let opaque = image.pixels().filter(|p| p.0[3] >= 250).count();
    opaque as f64 / f64::from(image.width() * image.height())
}

/// Asserts what every transparent poster must be: the product covers at least `min_share` of
/// it (10 % in the acceptance criteria; see `THIN` for the exceptions), nothing at all (not
/// even shadow) touches the border, and the corners are clear.
pub fn assert_framed_at_least(name: &str, image: &RgbaImage, min_share: f64) {
    let (w, h) = image.dimensions();
    let share = coverage(image);
    println!("{name}: the product covers {:.1} %", share * 100.0);
    assert!(
        share >= min_share,
        "{name}: the product covers only {:.1} %",
        share * 100.0
    );
    for (x, y, p) in image.enumerate_pixels() {
        let border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
        assert!(
            !border || p.0[3] == 0,
            "{name}: pixel ({x}, {y}) on the border is covered (alpha {})",
            p.0[3]
        );
    }
    for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)] {
        assert_eq!(image.get_pixel(x, y).0[3], 0, "{name}: corner ({x}, {y})");
    }
}

/// Products so thin that even a frame fitted to them edge to edge leaves them under 10 % of
/// the pixels (a floor lamp's pole, a racquet's open frame, wire sunglasses at 128 px); they
/// must still cover 4 %; and glass (`GlassVaseFlowers`, `LowPolyGlassTable`), whose clear parts are drawn
/// see-through, so only the flowers count as opaque.
pub const THIN: &[&str] = &[
    "TennisRacquet",
    "halo-floor-lamp",
    "coast-sunglasses",
    "GlassVaseFlowers",
    "LowPolyGlassTable",
];

pub fn assert_framed(name: &str, image: &RgbaImage) {
    let min_share = if THIN.contains(&name) { 0.04 } else { 0.10 };
    assert_framed_at_least(name, image, min_share);
}

/// Mean absolute difference of the RGB channels (0..=255) over pixels opaque in both.
pub fn mean_color_difference(a: &RgbaImage, b: &RgbaImage) -> f64 {
    let (mut total, mut n) = (0.0, 0u64);
    for (p, q) in a.pixels().zip(b.pixels()) {
        if p.0[3] >= 250 && q.0[3] >= 250 {
            total += (0..3)
                .map(|c| f64::from(p.0[c].abs_diff(q.0[c])))
                .sum::<f64>()
                / 3.0;
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        total / n as f64
    }
}
