//! Posters for every look of a model: the default materials and each `KHR_materials_variants`
//! variant, so a product grid shows the colour a shopper picked. Each look is drawn once at the
//! largest size asked for and downscaled (Lanczos) to the others, which looks the same as drawing
//! small and costs a fraction; each size is encoded in every format asked for.
//!
//! Every poster is measured by the renderer: the share of pixels where the product is drawn (the
//! contact shadow does not count) and whether it stays clear of the frame's edge. Both are in
//! the report, so a blank or cropped poster is visible without opening it.

use image::imageops::FilterType;
use serde::{Deserialize, Serialize};

use super::{DerivedFile, PipelineOptions, ProcessError};
use crate::render::{self, PosterCamera, RenderOptions};
use crate::scene::Scene;
use crate::FileName;

/// What one look's poster measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosterStats {
    /// `default` or the variant's name.
    pub look: String,
    /// The file name stem (`poster-<label>-<size>.<ext>`).
    pub label: String,
    pub sizes: Vec<u32>,
    /// Share of the largest poster's pixels the product covers, 0–1.
    pub coverage: f64,
    /// True when no product pixel touches the outermost row or column.
    pub inside_frame: bool,
    pub render_ms: u64,
}

/// `poster-<label>-<size>.<ext>`; `label` is `default` or the variant name as a file segment.
pub fn poster_file_name(label: &str, size: u32, extension: &str) -> FileName {
    FileName::parse(&format!("poster-{label}-{size}.{extension}"))
        .expect("labels are file segments and sizes are digits")
}

/// One look of a model: the default materials, or one `KHR_materials_variants` variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Look {
    /// The variant's index in the scene; `None` for the default look.
    pub variant: Option<usize>,
    /// `default` or the variant's name.
    pub name: String,
    /// The variant's name as a file segment, unique among the looks (`poster-<label>-…`).
    pub label: String,
}

/// Most material variants that get looks of their own (posters, and a USDZ each): rendering is
/// the pipeline's costliest step, and a hostile file can declare thousands of variants. Past the
/// limit, variants show the default look.
pub const MAX_VARIANT_LOOKS: usize = 32;

/// The default look, then one look per variant (at most [`MAX_VARIANT_LOOKS`]), with unique file
/// labels.
pub fn looks(scene: &Scene) -> Vec<Look> {
    let mut looks = vec![Look {
        variant: None,
        name: "default".to_owned(),
        label: "default".to_owned(),
    }];
    let mut used = std::collections::HashSet::new();
    for (index, name) in scene.variants.iter().enumerate().take(MAX_VARIANT_LOOKS) {
        let mut l = label(name, index);
        if !used.insert(l.clone()) {
            l = format!("{l}-{index}");
        }
        looks.push(Look {
            variant: Some(index),
            name: name.clone(),
            label: l,
        });
    }
    looks
}

/// A variant name as a file-name segment: ASCII letters and digits kept, lowercased, anything
/// else one `-`, at most 48 characters; an empty result becomes `variant-<index>`.
pub(super) fn label(name: &str, index: usize) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(48).collect();
    if out.is_empty() || out == "default" {
        format!("variant-{index}")
    } else {
        out
    }
}

/// Every look's posters and their measures, and the camera they were taken from (the same for
/// every look: variants change materials, not geometry).
pub(super) fn render_all(
    scene: &Scene,
    options: &PipelineOptions,
    files: &mut Vec<DerivedFile>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Vec<PosterStats>, Option<PosterCamera>), ProcessError> {
    let mut sizes: Vec<u32> = options
        .poster_sizes
        .iter()
        .map(|&s| s.clamp(16, render::MAX_SIZE))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let Some(&largest) = sizes.last() else {
        return Ok((Vec::new(), render::poster_camera(scene)));
    };
    let looks = looks(scene);
    let mut stats = Vec::with_capacity(looks.len());
    let mut camera = None;
    for (
        done,
        Look {
            variant,
            name: look,
            label,
        },
    ) in looks.iter().enumerate()
    {
        progress(done, looks.len());
        let started = std::time::Instant::now();
        let poster = render::render_measured(
            scene,
            &RenderOptions {
                size: largest,
                background: options.background,
                variant: *variant,
            },
        );
        let render_ms = started.elapsed().as_millis() as u64;
        let (image, coverage, inside_frame) = (poster.image, poster.coverage, poster.inside_frame);
        camera = camera.or(poster.camera);
        for &size in &sizes {
            let scaled = if size == largest {
                image.clone()
            } else {
                image::imageops::resize(&image, size, size, FilterType::Lanczos3)
            };
            for &format in &options.poster_formats {
                let bytes = render::encode(&scaled, format)
                    .map_err(|e| ProcessError::Internal(format!("poster encoding: {e}")))?;
                files.push(DerivedFile {
                    name: poster_file_name(label, size, format.extension()),
                    bytes,
                });
            }
        }
        stats.push(PosterStats {
            look: look.clone(),
            label: label.clone(),
            sizes: sizes.clone(),
            coverage,
            inside_frame,
            render_ms,
        });
    }
    progress(looks.len(), looks.len());
    Ok((stats, camera))
}

#[cfg(test)]
mod look_limit_tests {
    use super::*;

    #[test]
    fn thousands_of_declared_variants_get_at_most_the_limit_of_looks() {
        let scene = Scene {
            primitives: Vec::new(),
            materials: Vec::new(),
            textures: Vec::new(),
            variants: (0..5_000).map(|n| format!("Colour {n}")).collect(),
            warnings: Vec::new(),
        };
        let looks = looks(&scene);
        assert_eq!(looks.len(), 1 + MAX_VARIANT_LOOKS);
        assert_eq!(looks[0].name, "default");
        assert_eq!(
            looks[MAX_VARIANT_LOOKS].name,
            format!("Colour {}", MAX_VARIANT_LOOKS - 1)
        );
    }
}
