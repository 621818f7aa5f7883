//! A demo model under construction: parts, each painted either with the product's colour
//! option (the *primary* slot, switched by `KHR_materials_variants`) or with a fixed finish
//! (chrome legs, rubber soles, dark glass) that stays the same in every colour.
//!
//! Parts with the same slot are merged, so the written GLB has one primitive per slot, in the
//! order slots first appear: the output depends only on the build steps, never on hashing.

use glam::Vec3;

use super::mesh::{self, Mesh, Place};

/// How a fixed-colour surface looks (glTF PBR metallic-roughness).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finish {
    pub(crate) name: &'static str,
    pub(crate) color: [f32; 4],
    pub(crate) metallic: f32,
    pub(crate) roughness: f32,
}

impl Finish {
    const fn new(name: &'static str, rgb: [f32; 3], metallic: f32, roughness: f32) -> Self {
        Self {
            name,
            color: [rgb[0], rgb[1], rgb[2], 1.0],
            metallic,
            roughness,
        }
    }
}

pub(crate) const BRUSHED_STEEL: Finish =
    Finish::new("brushed steel", [0.72, 0.72, 0.74], 1.0, 0.35);
pub(crate) const BLACK_METAL: Finish = Finish::new("black metal", [0.04, 0.04, 0.045], 0.9, 0.45);
pub(crate) const BRASS: Finish = Finish::new("brass", [0.83, 0.65, 0.33], 1.0, 0.3);
pub(crate) const OAK: Finish = Finish::new("oak", [0.62, 0.45, 0.28], 0.0, 0.65);
pub(crate) const WALNUT: Finish = Finish::new("walnut", [0.33, 0.2, 0.12], 0.0, 0.6);
pub(crate) const BLACK_PLASTIC: Finish =
    Finish::new("black plastic", [0.03, 0.03, 0.035], 0.0, 0.45);
pub(crate) const GREY_PLASTIC: Finish = Finish::new("grey plastic", [0.35, 0.36, 0.38], 0.0, 0.5);
pub(crate) const WHITE_RUBBER: Finish = Finish::new("white rubber", [0.92, 0.92, 0.9], 0.0, 0.85);
pub(crate) const BLACK_RUBBER: Finish = Finish::new("black rubber", [0.05, 0.05, 0.05], 0.0, 0.9);
pub(crate) const DARK_GLASS: Finish = Finish::new("dark glass", [0.02, 0.025, 0.03], 0.1, 0.05);
pub(crate) const WARM_LIGHT: Finish = Finish::new("warm light", [1.0, 0.93, 0.78], 0.0, 0.3);
pub(crate) const LINEN: Finish = Finish::new("linen", [0.86, 0.83, 0.76], 0.0, 0.95);
pub(crate) const RIBBON: Finish = Finish::new("ribbon", [0.08, 0.07, 0.07], 0.0, 0.5);
pub(crate) const BOOK_RED: Finish = Finish::new("book red", [0.55, 0.12, 0.1], 0.0, 0.7);
pub(crate) const BOOK_BLUE: Finish = Finish::new("book blue", [0.12, 0.22, 0.45], 0.0, 0.7);

/// Where a part takes its colour from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Slot {
    /// The colour the shopper picked.
    Primary,
    /// Always this finish.
    Fixed(Finish),
}

/// Parts of one model, in the order they were added.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub(crate) name: &'static str,
    /// Metalness and roughness of the colour-option material (fabric, lacquer, leather...).
    pub(crate) primary_metallic: f32,
    pub(crate) primary_roughness: f32,
    parts: Vec<(Slot, Mesh)>,
}

impl Model {
    pub(crate) fn new(name: &'static str, primary_metallic: f32, primary_roughness: f32) -> Self {
        Self {
            name,
            primary_metallic,
            primary_roughness,
            parts: Vec::new(),
        }
    }

    /// Adds `mesh` placed by `place`, painted in the colour option.
    pub(crate) fn primary(&mut self, mesh: &Mesh, place: Place) -> &mut Self {
        self.add(Slot::Primary, mesh, place)
    }

    /// Adds `mesh` placed by `place`, painted with `finish`.
    pub(crate) fn fixed(&mut self, finish: Finish, mesh: &Mesh, place: Place) -> &mut Self {
        self.add(Slot::Fixed(finish), mesh, place)
    }

    /// Adds a Y-axis primitive (cylinder, capsule) stretched so it spans from `a` to `b`; the
    /// primitive's own height must be 1.
    pub(crate) fn between(&mut self, slot: Slot, unit_mesh: &Mesh, a: Vec3, b: Vec3) -> &mut Self {
        let place = Place {
            at: (a + b) / 2.0,
            rotation: mesh::rotation_from_y(b - a),
            scale: Vec3::new(1.0, a.distance(b), 1.0),
        };
        self.add(slot, unit_mesh, place)
    }

    pub(crate) fn add(&mut self, slot: Slot, mesh: &Mesh, place: Place) -> &mut Self {
        let mut placed = Mesh::default();
        placed.append(mesh, place.affine());
        self.parts.push((slot, placed));
        self
    }

    /// One merged mesh per slot, in first-use order, moved so the bounding box has its bottom
    /// at y = 0 and is centred on x and z.
    pub(crate) fn into_grounded_primitives(self) -> Vec<(Slot, Mesh)> {
        let mut merged: Vec<(Slot, Mesh)> = Vec::new();
        for (slot, part) in self.parts {
            match merged.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, mesh)) => mesh.append(&part, glam::Affine3A::IDENTITY),
                None => merged.push((slot, part)),
            }
        }
        let all_points = merged.iter().flat_map(|(_, m)| m.positions.iter().copied());
        if let Some((min, max)) = mesh::bounds(all_points) {
            let centre = (min + max) / 2.0;
            let offset = Vec3::new(-centre.x, -min.y, -centre.z);
            for (_, mesh) in &mut merged {
                mesh.translate(offset);
            }
        }
        merged
    }
}

impl Model {
    /// Adds `mesh` centred at `at` with its +Y axis turned to point along `direction`.
    pub(crate) fn along(
        &mut self,
        slot: Slot,
        mesh: &Mesh,
        at: Vec3,
        direction: Vec3,
    ) -> &mut Self {
        let place = Place {
            at,
            rotation: mesh::rotation_from_y(direction),
            scale: Vec3::ONE,
        };
        self.add(slot, mesh, place)
    }
}
