//! The USDA layer: stage metadata, the root prim, one `Mesh` per scene primitive, the
//! materials, and the `materialVariant` variant set.
//!
//! ```text
//! /Root                 Xform, kind = component, the defaultPrim; holds the variant set
//! /Root/Geom/Mesh_<i>   one Mesh per scene primitive, in scene order
//! /Root/Materials/<m>   one Material per distinct binding (see `looks`)
//! ```
//!
//! Guarantees: the stage says `upAxis = "Y"` and `metersPerUnit = 1` (glTF's axes and units, so
//! positions are written unchanged); each mesh has exactly the primitive's vertices as `points`
//! and its triangles as faces, in the same counter-clockwise order (USD's default `rightHanded`
//! orientation is counter-clockwise too); triangles with an index past the vertices are left
//! out rather than written broken; normals and UVs are written, as vertex-interpolated, only
//! when there is one per vertex, UVs as `primvars:st` with V flipped (USD's `t` axis points up,
//! glTF's `v` down); `subdivisionScheme = "none"` keeps the triangles flat-faceted as in glTF.
//! Every mesh applies `MaterialBindingAPI` and is bound, in the default look and in each
//! variant, to a material that exists.

use std::collections::BTreeMap;

use super::looks::{Binding, Looks};
use super::text::{push, Tuple, Usda, MAX_NUM_LEN};
use crate::scene::{Primitive, Scene};

/// The root prim, also the stage's `defaultPrim`.
pub const ROOT: &str = "Root";
/// The name of the variant set that switches materials.
pub const VARIANT_SET: &str = "materialVariant";

/// The prim name of scene primitive `i`'s mesh, under `/Root/Geom`.
pub fn mesh_name(i: usize) -> String {
    format!("Mesh_{i}")
}

/// An upper bound of the layer's length in bytes, known before anything is written, so a scene
/// whose layer could not fit in a package is refused before its text is built.
pub fn max_len(scene: &Scene, looks: &Looks) -> u64 {
    // Points, normals and st: 8 numbers with their ", ", and "(", ")" and ", " around 3 tuples.
    let per_vertex = 8 * (MAX_NUM_LEN as u64 + 2) + 3 * 4;
    // "3, " in the counts, and three indices of at most 10 digits with ", ".
    let per_triangle: u64 = 3 + 3 * 12;
    // The mesh's own lines (definition, extent, metadata), and a binding with its names.
    let (per_mesh, per_binding): (u64, u64) = (1024, 512);
    let per_material: u64 = 8192;
    let looks_count = looks.variants.len().max(1) as u64;
    // The stage metadata and the root, and each variant's own lines.
    let mut total = 4096u64.saturating_add(looks_count.saturating_mul(256));
    for p in &scene.primitives {
        total = total
            .saturating_add(per_mesh.saturating_add(per_binding.saturating_mul(looks_count)))
            .saturating_add(per_vertex.saturating_mul(p.positions.len() as u64))
            .saturating_add(per_triangle.saturating_mul(p.triangles.len() as u64));
    }
    total.saturating_add(per_material.saturating_mul(looks.bindings().len() as u64))
}

/// Writes the layer; `write_materials` writes the material prims and returns each binding's path.
pub fn write(
    scene: &Scene,
    looks: &Looks,
    write_materials: impl FnOnce(&mut Usda, &str) -> BTreeMap<Binding, String>,
) -> String {
    let mut usda = Usda::default();
    usda.line(format_args!("#usda 1.0"));
    usda.line(format_args!("("));
    usda.line(format_args!("    customLayerData = {{"));
    usda.line(format_args!("        string creator = \"Showroom\""));
    usda.line(format_args!("    }}"));
    usda.line(format_args!("    defaultPrim = \"{ROOT}\""));
    usda.line(format_args!("    metersPerUnit = 1"));
    usda.line(format_args!("    upAxis = \"Y\""));
    usda.line(format_args!(")"));
    usda.blank();
    usda.line(format_args!("def Xform \"{ROOT}\" ("));
    usda.line(format_args!("    kind = \"component\""));
    if let Some(selection) = &looks.selection {
        usda.line(format_args!("    variants = {{"));
        usda.line(format_args!(
            "        string {VARIANT_SET} = \"{selection}\""
        ));
        usda.line(format_args!("    }}"));
        usda.line(format_args!("    prepend variantSets = \"{VARIANT_SET}\""));
    }
    usda.line(format_args!(")"));
    usda.open();

    // Materials come first in the text only because their paths are needed by the bindings;
    // the order of sibling prims has no meaning to a reader of the stage.
    usda.line(format_args!("def Scope \"Materials\""));
    usda.open();
    let materials = write_materials(&mut usda, &format!("/{ROOT}/Materials"));
    usda.close();
    usda.blank();

    // Bindings are local opinions only when there is no variant set: local opinions would
    // override the variants' (see `looks`).
    let local = looks.variants.is_empty().then_some(&looks.default);
    usda.line(format_args!("def Scope \"Geom\""));
    usda.open();
    for (i, primitive) in scene.primitives.iter().enumerate() {
        let binding = local.and_then(|bindings| bindings.get(i));
        write_mesh(
            &mut usda,
            scene,
            i,
            primitive,
            binding.map(|b| (b, &materials)),
        );
    }
    usda.close();

    if !looks.variants.is_empty() {
        usda.blank();
        write_variant_set(&mut usda, scene, looks, &materials);
    }
    usda.close();
    usda.into_string()
}

fn write_mesh(
    usda: &mut Usda,
    scene: &Scene,
    i: usize,
    p: &Primitive,
    binding: Option<(&Binding, &BTreeMap<Binding, String>)>,
) {
    let vertices = p.positions.len();
    let in_range = |t: &&[u32; 3]| {
        t.iter()
            .all(|&v| (v as usize) < vertices && v <= i32::MAX as u32)
    };
    let triangles: Vec<&[u32; 3]> = p.triangles.iter().filter(in_range).collect();
    usda.line(format_args!("def Mesh \"{}\" (", mesh_name(i)));
    usda.line(format_args!(
        "    prepend apiSchemas = [\"MaterialBindingAPI\"]"
    ));
    usda.line(format_args!(")"));
    usda.open();
    if let Some((lo, hi)) = extent(p) {
        usda.line(format_args!(
            "float3[] extent = [{}, {}]",
            Tuple(&lo),
            Tuple(&hi)
        ));
    }
    usda.array(
        "int[] faceVertexCounts",
        &triangles,
        |out, _| out.push('3'),
        "",
    );
    usda.array(
        "int[] faceVertexIndices",
        triangles.iter().flat_map(|t| t.iter()),
        push,
        "",
    );
    if p.normals.len() == vertices {
        usda.array(
            "normal3f[] normals",
            &p.normals,
            |out, n| push(out, Tuple(&n.to_array())),
            " (",
        );
        usda.line(format_args!("    interpolation = \"vertex\""));
        usda.line(format_args!(")"));
    }
    usda.array(
        "point3f[] points",
        &p.positions,
        |out, v| push(out, Tuple(&v.to_array())),
        "",
    );
    if let Some(uvs) = p.uvs.as_ref().filter(|uvs| uvs.len() == vertices) {
        usda.array(
            "texCoord2f[] primvars:st",
            uvs,
            |out, &[u, v]| push(out, Tuple(&[u, 1.0 - v])),
            " (",
        );
        usda.line(format_args!("    interpolation = \"vertex\""));
        usda.line(format_args!(")"));
    }
    usda.line(format_args!("uniform token subdivisionScheme = \"none\""));
    if let Some((binding, materials)) = binding {
        write_binding(usda, scene, binding, materials);
    }
    usda.close();
}

/// The binding of one mesh, and the double-sidedness of its material (a mesh property in USD).
fn write_binding(
    usda: &mut Usda,
    scene: &Scene,
    binding: &Binding,
    materials: &BTreeMap<Binding, String>,
) {
    if let Some(path) = materials.get(binding) {
        usda.line(format_args!("rel material:binding = <{path}>"));
    }
    let double_sided = binding
        .material
        .and_then(|m| scene.materials.get(m))
        .is_some_and(|m| m.double_sided);
    if double_sided {
        usda.line(format_args!("uniform bool doubleSided = 1"));
    }
}

fn write_variant_set(
    usda: &mut Usda,
    scene: &Scene,
    looks: &Looks,
    materials: &BTreeMap<Binding, String>,
) {
    usda.open_after(format_args!("variantSet \"{VARIANT_SET}\" ="));
    for look in &looks.variants {
        usda.open_after(format_args!("\"{}\"", look.name));
        usda.line(format_args!("over \"Geom\""));
        usda.open();
        for (i, binding) in look.bindings.iter().enumerate() {
            usda.line(format_args!("over \"{}\"", mesh_name(i)));
            usda.open();
            write_binding(usda, scene, binding, materials);
            usda.close();
        }
        usda.close();
        usda.close();
    }
    usda.close();
}

/// The primitive's bounding box, over its finite positions.
fn extent(p: &Primitive) -> Option<([f32; 3], [f32; 3])> {
    let finite = p.positions.iter().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold(None, |acc: Option<(glam::Vec3, glam::Vec3)>, &v| {
        Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
    })?;
    Some((lo.to_array(), hi.to_array()))
}
