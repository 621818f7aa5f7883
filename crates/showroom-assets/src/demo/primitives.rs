//! Parametric primitives every demo model is assembled from, each centred on the origin.
//!
//! - [`cuboid`] and [`rounded_box`]: boxes, optionally with rounded edges and corners;
//! - [`lathe`]: a surface of revolution around +Y from an `(r, y)` profile — cylinders, cones,
//!   discs, spheres, lamp shades and hats are all lathes; normals are smooth across gentle
//!   bends and split at creases sharper than [`CREASE_DEGREES`];
//! - [`cylinder`], [`frustum`], [`sphere`], [`dome`], [`capsule`]: common lathe profiles;
//! - [`torus`]: a full ring or an arc, in the XZ plane around +Y.
//!
//! All triangles are counter-clockwise seen from outside and all normals are unit length.

use std::f32::consts::{FRAC_PI_2, PI, TAU};

use glam::{Vec2, Vec3};

use super::mesh::Mesh;

/// Segments around the axis of round shapes: smooth enough at product-page sizes.
const ROUND_SEGMENTS: u32 = 32;

/// Bends sharper than this get split normals (a crease); gentler ones are smoothed.
const CREASE_DEGREES: f32 = 40.0;

/// A box of `size`, sharp edges.
pub(crate) fn cuboid(size: Vec3) -> Mesh {
    rounded_box(size, 0.0)
}

/// A box of `size` whose edges and corners are rounded with `radius` (clamped to fit).
pub(crate) fn rounded_box(size: Vec3, radius: f32) -> Mesh {
    let half = size.abs() / 2.0;
    let radius = radius.clamp(0.0, half.min_element());
    let inner = half - Vec3::splat(radius);
    let mut mesh = Mesh::default();
    for normal in [
        Vec3::X,
        Vec3::NEG_X,
        Vec3::Y,
        Vec3::NEG_Y,
        Vec3::Z,
        Vec3::NEG_Z,
    ] {
        // With u × v = normal, a quad walked u then v is counter-clockwise seen from outside.
        let v = if normal.y == 0.0 {
            Vec3::Y
        } else {
            Vec3::Z * -normal.y
        };
        let u = v.cross(normal);
        let us = edge_coordinates(u.abs().dot(half), radius);
        let vs = edge_coordinates(v.abs().dot(half), radius);
        let first = u32::try_from(mesh.positions.len()).unwrap_or(u32::MAX);
        for (b, &sv) in vs.iter().enumerate() {
            for (a, &su) in us.iter().enumerate() {
                let on_cube = normal * normal.abs().dot(half) + u * su + v * sv;
                let core = on_cube.clamp(-inner, inner);
                let outward = (on_cube - core).normalize_or(normal);
                let uv = Vec2::new(
                    a as f32 / (us.len() - 1) as f32,
                    b as f32 / (vs.len() - 1) as f32,
                );
                mesh.vertex(core + outward * radius, outward, uv);
            }
        }
        let row = u32::try_from(us.len()).unwrap_or(u32::MAX);
        for b in 0..vs.len() as u32 - 1 {
            for a in 0..row - 1 {
                let at = |a: u32, b: u32| first + b * row + a;
                mesh.quad(at(a, b), at(a + 1, b), at(a + 1, b + 1), at(a, b + 1));
            }
        }
    }
    mesh
}

/// Grid coordinates across one face from `-half` to `half`, dense in the rounded bands.
fn edge_coordinates(half: f32, radius: f32) -> Vec<f32> {
    if radius <= f32::EPSILON {
        return vec![-half, half];
    }
    const STEPS: u32 = 4;
    let inner = half - radius;
    let band: Vec<f32> = (0..=STEPS)
        .map(|k| radius * (FRAC_PI_2 * k as f32 / STEPS as f32).cos())
        .collect();
    let mut coordinates: Vec<f32> = band.iter().map(|d| -inner - d).collect();
    coordinates.extend(band.iter().rev().map(|d| inner + d));
    coordinates
}

/// A surface of revolution around +Y through the `(r, y)` points of `profile`. The outside is
/// on the right of the profile's direction: walk it upwards for an outward-facing wall.
pub(crate) fn lathe(profile: &[Vec2], segments: u32) -> Mesh {
    let mut mesh = Mesh::default();
    let segment_normals: Vec<Vec2> = profile
        .windows(2)
        .map(|w| {
            let d = w[1] - w[0];
            Vec2::new(d.y, -d.x).normalize_or_zero()
        })
        .collect();
    let crease = CREASE_DEGREES.to_radians().cos();
    // A profile point shared by two segments gets their average normal if the bend is gentle,
    // and each segment's own normal (two vertices, a visible edge) if it is a crease.
    let blend = |own: Vec2, neighbour: Option<&Vec2>| match neighbour {
        Some(&n) if n != Vec2::ZERO && n.dot(own) > crease => (n + own).normalize_or(own),
        _ => own,
    };
    let total_length: f32 = profile.windows(2).map(|w| w[0].distance(w[1])).sum();
    let mut walked = 0.0;
    for (s, w) in profile.windows(2).enumerate() {
        let own = segment_normals[s];
        let length = w[0].distance(w[1]);
        if own == Vec2::ZERO {
            continue;
        }
        let ends = [
            (
                w[0],
                blend(own, s.checked_sub(1).and_then(|p| segment_normals.get(p))),
                walked,
            ),
            (
                w[1],
                blend(own, segment_normals.get(s + 1)),
                walked + length,
            ),
        ];
        walked += length;
        let first = u32::try_from(mesh.positions.len()).unwrap_or(u32::MAX);
        for (point, normal, along) in ends {
            for j in 0..=segments {
                let angle = TAU * j as f32 / segments as f32;
                let (sin, cos) = angle.sin_cos();
                let radial = Vec3::new(cos, 0.0, -sin);
                mesh.vertex(
                    radial * point.x + Vec3::Y * point.y,
                    radial * normal.x + Vec3::Y * normal.y,
                    Vec2::new(
                        j as f32 / segments as f32,
                        along / total_length.max(f32::EPSILON),
                    ),
                );
            }
        }
        // A ring of radius 0 is a pole: there the quads collapse into a fan of triangles.
        let ring = segments + 1;
        for j in 0..segments {
            let (a, b) = (first + j, first + j + 1);
            let (c, d) = (first + ring + j + 1, first + ring + j);
            match (w[0].x == 0.0, w[1].x == 0.0) {
                (true, _) => mesh.indices.extend([a, c, d]),
                (_, true) => mesh.indices.extend([a, b, c]),
                _ => mesh.quad(a, b, c, d),
            }
        }
    }
    mesh
}

/// A closed cylinder of `radius` and `height` along Y.
pub(crate) fn cylinder(radius: f32, height: f32) -> Mesh {
    frustum(radius, radius, height)
}

/// A closed truncated cone along Y, `bottom` radius at `-height/2`, `top` at `height/2`.
pub(crate) fn frustum(bottom: f32, top: f32, height: f32) -> Mesh {
    let h = height / 2.0;
    lathe(
        &[
            Vec2::new(0.0, -h),
            Vec2::new(bottom, -h),
            Vec2::new(top, h),
            Vec2::new(0.0, h),
        ],
        ROUND_SEGMENTS,
    )
}

/// A sphere of `radius`.
pub(crate) fn sphere(radius: f32) -> Mesh {
    lathe(
        &arc_profile(radius, -FRAC_PI_2, FRAC_PI_2, 0.0, 16),
        ROUND_SEGMENTS,
    )
}

/// The upper half of a sphere of `radius`, closed by a flat base at y = 0.
pub(crate) fn dome(radius: f32) -> Mesh {
    let mut profile = vec![Vec2::ZERO];
    profile.extend(arc_profile(radius, 0.0, FRAC_PI_2, 0.0, 8));
    lathe(&profile, ROUND_SEGMENTS)
}

/// A capsule along Y: a cylinder of `length` between two hemispheres of `radius`.
pub(crate) fn capsule(radius: f32, length: f32) -> Mesh {
    let h = length / 2.0;
    let mut profile = arc_profile(radius, -FRAC_PI_2, 0.0, -h, 8);
    profile.extend(arc_profile(radius, 0.0, FRAC_PI_2, h, 8));
    lathe(&profile, ROUND_SEGMENTS)
}

/// Points of a circular arc of `radius` centred at (0, `y`), from angle `from` to `to`
/// (radians, 0 = the equator, +π/2 = the top pole), `steps` segments.
pub(crate) fn arc_profile(radius: f32, from: f32, to: f32, y: f32, steps: u32) -> Vec<Vec2> {
    (0..=steps)
        .map(|k| {
            let angle = from + (to - from) * k as f32 / steps as f32;
            // cos(±π/2) is not exactly 0 in f32; snap it so poles are single points.
            let r = radius * angle.cos();
            let r = if r.abs() < radius * 1e-5 { 0.0 } else { r };
            Vec2::new(r, y + radius * angle.sin())
        })
        .collect()
}

/// A ring of tube radius `minor` around a circle of radius `major` in the XZ plane, swept
/// from +X through `sweep_degrees` (360 closes it; 180 is an arch once stood upright).
pub(crate) fn torus(major: f32, minor: f32, sweep_degrees: f32) -> Mesh {
    let sweep = sweep_degrees.clamp(1.0, 360.0).to_radians();
    let around = ((ROUND_SEGMENTS as f32 * sweep / PI).ceil() as u32).max(4);
    let tube = 16;
    let mut mesh = Mesh::default();
    for i in 0..=around {
        let u = sweep * i as f32 / around as f32;
        let (su, cu) = u.sin_cos();
        for k in 0..=tube {
            let v = TAU * k as f32 / tube as f32;
            let (sv, cv) = v.sin_cos();
            let normal = Vec3::new(cv * cu, sv, -cv * su);
            let centre = Vec3::new(major * cu, 0.0, -major * su);
            mesh.vertex(
                centre + normal * minor,
                normal,
                Vec2::new(i as f32 / around as f32, k as f32 / tube as f32),
            );
        }
    }
    let row = tube + 1;
    for i in 0..around {
        for k in 0..tube {
            let at = |i: u32, k: u32| i * row + k;
            mesh.quad(at(i, k), at(i + 1, k), at(i + 1, k + 1), at(i, k + 1));
        }
    }
    mesh
}

/// The lathe segment count for round parts, exposed for profiles built by the models.
pub(crate) fn round_segments() -> u32 {
    ROUND_SEGMENTS
}
