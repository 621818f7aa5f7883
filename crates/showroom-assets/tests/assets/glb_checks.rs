//! Reads a GLB back, independently of the writer: the container by hand, the document with the
//! `gltf` crate (which validates it), and the geometry through `gltf`'s accessor reader.

use serde_json::Value;

/// What a test needs to know about one GLB.
pub struct Parsed {
    pub json: Value,
    pub min: [f32; 3],
    pub max: [f32; 3],
    pub vertex_count: usize,
}

/// Checks the GLB container byte by byte and returns its JSON chunk.
fn check_container(glb: &[u8]) -> Value {
    let u32_at = |at: usize| u32::from_le_bytes(glb[at..at + 4].try_into().unwrap());
    assert_eq!(&glb[0..4], b"glTF", "magic");
    assert_eq!(u32_at(4), 2, "version");
    assert_eq!(
        u32_at(8) as usize,
        glb.len(),
        "header length is the file length"
    );

    let json_len = u32_at(12) as usize;
    assert_eq!(u32_at(16), 0x4E4F_534A, "first chunk is JSON");
    assert_eq!(json_len % 4, 0, "JSON chunk is 4-byte aligned");
    let json_chunk = &glb[20..20 + json_len];
    let json_text = std::str::from_utf8(json_chunk).unwrap();
    let trimmed = json_text.trim_end_matches(' ');
    assert!(
        json_text.len() - trimmed.len() < 4,
        "padded with at most 3 spaces"
    );

    let bin_at = 20 + json_len;
    let bin_len = u32_at(bin_at) as usize;
    assert_eq!(u32_at(bin_at + 4), 0x004E_4942, "second chunk is BIN");
    assert_eq!(bin_len % 4, 0, "BIN chunk is 4-byte aligned");
    assert_eq!(
        bin_at + 8 + bin_len,
        glb.len(),
        "nothing after the BIN chunk"
    );

    let json: Value = serde_json::from_str(trimmed).unwrap();
    let buffer_len = json["buffers"][0]["byteLength"].as_u64().unwrap() as usize;
    assert!(buffer_len <= bin_len && bin_len - buffer_len < 4);
    assert!(
        glb[bin_at + 8 + buffer_len..].iter().all(|&b| b == 0),
        "padded with zeros"
    );
    json
}

/// Parses and checks everything that holds for every demo model.
pub fn parse(glb: &[u8]) -> Parsed {
    let json = check_container(glb);
    let gltf = gltf::Gltf::from_slice(glb).expect("the gltf crate accepts and validates it");
    let blob = gltf.blob.as_deref().expect("GLB has a BIN chunk");

    assert_eq!(json["asset"]["version"], "2.0");
    assert!(!json["asset"]["generator"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    let used = json["extensionsUsed"].as_array().unwrap();
    assert!(used.iter().any(|e| e == "KHR_materials_variants"));

    let mut min = [f32::MAX; 3];
    let mut max = [f32::MIN; 3];
    let mut vertex_count = 0;
    for mesh in gltf.meshes() {
        for primitive in mesh.primitives() {
            let reader = primitive.reader(|_| Some(blob));
            let positions: Vec<[f32; 3]> = reader.read_positions().expect("POSITION").collect();
            let normals: Vec<[f32; 3]> = reader.read_normals().expect("NORMAL").collect();
            let uv_count = reader
                .read_tex_coords(0)
                .expect("TEXCOORD_0")
                .into_f32()
                .count();
            assert_eq!(normals.len(), positions.len());
            assert_eq!(uv_count, positions.len());
            check_position_bounds(&primitive, &positions);
            for n in &normals {
                let length = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
                assert!(
                    (length - 1.0).abs() < 1e-3,
                    "normal {n:?} is not unit length"
                );
            }
            let indices: Vec<u32> = match reader.read_indices().expect("indexed") {
                gltf::mesh::util::ReadIndices::U8(_) => panic!("u8 indices"),
                indices => indices.into_u32().collect(),
            };
            assert_eq!(indices.len() % 3, 0);
            assert!(indices.iter().all(|&i| (i as usize) < positions.len()));
            check_winding(&positions, &normals, &indices);
            check_material(&primitive);
            for p in &positions {
                for axis in 0..3 {
                    min[axis] = min[axis].min(p[axis]);
                    max[axis] = max[axis].max(p[axis]);
                }
            }
            vertex_count += positions.len();
        }
    }
    Parsed {
        json,
        min,
        max,
        vertex_count,
    }
}

/// The accessor's declared min/max must be the data's real bounds.
fn check_position_bounds(primitive: &gltf::Primitive<'_>, positions: &[[f32; 3]]) {
    let declared = primitive.bounding_box();
    for axis in 0..3 {
        let real_min = positions.iter().map(|p| p[axis]).fold(f32::MAX, f32::min);
        let real_max = positions.iter().map(|p| p[axis]).fold(f32::MIN, f32::max);
        assert_eq!(declared.min[axis], real_min, "accessor min, axis {axis}");
        assert_eq!(declared.max[axis], real_max, "accessor max, axis {axis}");
    }
}

/// Front faces are counter-clockwise: each triangle's geometric normal agrees with its
/// vertices' normals. Degenerate slivers (at the poles of a lathe) have no direction to check.
fn check_winding(positions: &[[f32; 3]], normals: &[[f32; 3]], indices: &[u32]) {
    let sub = |a: [f32; 3], b: [f32; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    let cross = |a: [f32; 3], b: [f32; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    for triangle in indices.chunks(3) {
        let [a, b, c] = [0, 1, 2].map(|k| triangle[k] as usize);
        let face = cross(
            sub(positions[b], positions[a]),
            sub(positions[c], positions[a]),
        );
        let area2 = (face[0] * face[0] + face[1] * face[1] + face[2] * face[2]).sqrt();
        let edges = [
            sub(positions[b], positions[a]),
            sub(positions[c], positions[b]),
            sub(positions[a], positions[c]),
        ];
        let longest_edge2 = edges
            .iter()
            .map(|e| e[0] * e[0] + e[1] * e[1] + e[2] * e[2])
            .fold(0.0, f32::max);
        if area2 <= 1e-6 * longest_edge2 {
            continue;
        }
        let vertex_normal: [f32; 3] =
            std::array::from_fn(|axis| normals[a][axis] + normals[b][axis] + normals[c][axis]);
        let dot: f32 = (0..3).map(|axis| face[axis] * vertex_normal[axis]).sum();
        assert!(
            dot > 0.0,
            "triangle {triangle:?} at {:?} {:?} {:?} faces away from its normals {:?}",
            positions[a],
            positions[b],
            positions[c],
            normals[a]
        );
    }
}

fn check_material(primitive: &gltf::Primitive<'_>) {
    let material = primitive.material();
    assert!(material.index().is_some(), "every primitive has a material");
    let pbr = material.pbr_metallic_roughness();
    let color = pbr.base_color_factor();
    assert!(color.iter().all(|c| (0.0..=1.0).contains(c)));
    assert!((0.0..=1.0).contains(&pbr.metallic_factor()));
    assert!((0.0..=1.0).contains(&pbr.roughness_factor()));
}

/// Variant names, in order, from the root `KHR_materials_variants` extension.
pub fn variant_names(json: &Value) -> Vec<String> {
    json["extensions"]["KHR_materials_variants"]["variants"]
        .as_array()
        .expect("root lists variants")
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks every primitive's mappings and returns how many primitives have them.
pub fn check_mappings(json: &Value) -> usize {
    let material_count = json["materials"].as_array().unwrap().len();
    let variant_count = variant_names(json).len();
    let mut mapped_primitives = 0;
    for primitive in json["meshes"][0]["primitives"].as_array().unwrap() {
        let Some(mappings) =
            primitive["extensions"]["KHR_materials_variants"]["mappings"].as_array()
        else {
            continue;
        };
        mapped_primitives += 1;
        let mut covered = vec![false; variant_count];
        for mapping in mappings {
            let material = mapping["material"].as_u64().unwrap() as usize;
            assert!(material < material_count, "mapping to a missing material");
            for variant in mapping["variants"].as_array().unwrap() {
                let variant = variant.as_u64().unwrap() as usize;
                assert!(variant < variant_count, "mapping of a missing variant");
                covered[variant] = true;
            }
        }
        assert!(
            covered.iter().all(|&c| c),
            "every variant maps to a material"
        );
    }
    mapped_primitives
}
