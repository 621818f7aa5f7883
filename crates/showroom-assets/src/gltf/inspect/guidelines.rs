//! Warnings from the Khronos 3D Commerce asset creation guidelines, for models meant for web
//! and AR product viewers: at most 100k triangles, at most 5 materials, textures at most
//! 2048 px and power-of-two sized, at most 15 MB in total, a real-world size between 1 cm and
//! 10 m per side (anything else is most likely a unit error: centimetres written as metres),
//! and the origin at the bottom centre so the product stands on the floor in AR.

use super::Inspection;
use crate::gltf::problem::{Problem, Severity};

pub const MAX_TRIANGLES: u64 = 100_000;
pub const MAX_MATERIALS: usize = 5;
pub const MAX_TEXTURE_SIDE: u32 = 2048;
pub const MAX_FILE_BYTES: u64 = 15_000_000;
pub const MAX_SIDE_M: f64 = 10.0;
pub const MIN_SIDE_M: f64 = 0.01;

fn warning(code: &'static str, pointer: String, message: String) -> Problem {
    Problem {
        code: code.into(),
        severity: Severity::Warning,
        pointer,
        message,
    }
}

pub(super) fn warnings(report: &Inspection) -> Vec<Problem> {
    let mut out = Vec::new();
    if report.triangles > MAX_TRIANGLES {
        out.push(warning(
            "TOO_MANY_TRIANGLES",
            String::new(),
            format!("{} triangles, more than {MAX_TRIANGLES}", report.triangles),
        ));
    }
    if report.materials > MAX_MATERIALS {
        out.push(warning(
            "TOO_MANY_MATERIALS",
            "/materials".into(),
            format!("{} materials, more than {MAX_MATERIALS}", report.materials),
        ));
    }
    for texture in &report.textures {
        let (Some(w), Some(h)) = (texture.width, texture.height) else {
            continue;
        };
        let at = format!("/images/{}", texture.image);
        if w.max(h) > MAX_TEXTURE_SIDE {
            out.push(warning(
                "TEXTURE_TOO_LARGE",
                at.clone(),
                format!("{w}×{h} px, more than {MAX_TEXTURE_SIDE} px"),
            ));
        }
        if !w.is_power_of_two() || !h.is_power_of_two() {
            out.push(warning(
                "TEXTURE_NOT_POWER_OF_TWO",
                at,
                format!("{w}×{h} px is not a power of two"),
            ));
        }
    }
    if report.file_bytes > MAX_FILE_BYTES {
        out.push(warning(
            "FILE_TOO_LARGE",
            String::new(),
            format!("{} bytes, more than {MAX_FILE_BYTES}", report.file_bytes),
        ));
    }
    let Some(bounds) = report.bounds_m else {
        return out;
    };
    let [x, y, z] = report.dimensions_m;
    if x.max(y).max(z) > MAX_SIDE_M {
        out.push(warning(
            "DIMENSION_TOO_LARGE",
            String::new(),
            format!("{x:.3} × {y:.3} × {z:.3} m: a side is over {MAX_SIDE_M} m (a unit error?)"),
        ));
    }
    if x.min(y).min(z) < MIN_SIDE_M {
        out.push(warning(
            "DIMENSION_TOO_SMALL",
            String::new(),
            format!(
                "{x:.4} × {y:.4} × {z:.4} m: a side is under 1 cm (a unit error, or a flat model?)"
            ),
        ));
    }
    let tolerance = (0.01 * x.max(y).max(z)).max(0.001);
    let centre_x = (bounds.min[0] + bounds.max[0]) / 2.0;
    let centre_z = (bounds.min[2] + bounds.max[2]) / 2.0;
    if bounds.min[1].abs() > tolerance || centre_x.abs() > tolerance || centre_z.abs() > tolerance {
        out.push(warning(
            "ORIGIN_NOT_BOTTOM_CENTER",
            String::new(),
            format!("the bounding box bottom centre is at ({centre_x:.3}, {:.3}, {centre_z:.3}) m, not at the origin", bounds.min[1]),
        ));
    }
    out
}
