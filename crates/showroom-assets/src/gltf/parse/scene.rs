//! Parses `nodes`, `scenes`, `skins`, `cameras`, `animations` and the default `scene`, with the
//! checks that need only one object: a node's matrix must be a TRS (and not given together with
//! TRS properties), its rotation a unit quaternion; a camera's planes ordered; an animation's
//! input accessor scalar float with bounds and enough keyframes for its interpolation.
//! Graph-wide rules (loops, parents, roots) live in [`nodes`](crate::gltf::nodes).

use super::{entries, parsed, Counts};
use crate::gltf::document::{ComponentType, Document, ElementType, Node, Scene};
use crate::gltf::json::{item, Obj};
use crate::gltf::problem::Validation;

pub(super) fn parse(root: &Obj<'_>, counts: &Counts, doc: &mut Document, report: &mut Validation) {
    doc.nodes = parsed(root, "nodes", report, |o, report| node(o, counts, report));
    doc.scenes = parsed(root, "scenes", report, |o, report| Scene {
        nodes: o.references("nodes", "nodes", counts.nodes, report),
    });
    doc.scene = root.reference("scene", "scenes", counts.scenes, report);
    let skin_joints = entries(root, "skins", report)
        .iter()
        .map(|skin| {
            skin.as_ref()
                .map_or(0, |skin| check_skin(skin, counts, doc, report))
        })
        .collect();
    doc.skin_joints = skin_joints;
    for camera in entries(root, "cameras", report).iter().flatten() {
        check_camera(camera, report);
    }
    for animation in entries(root, "animations", report).iter().flatten() {
        check_animation(animation, counts, doc, report);
    }
}

fn node(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Node {
    obj.reference("camera", "cameras", counts.cameras, report);
    let node = Node {
        skin: obj.reference("skin", "skins", counts.skins, report),
        children: obj.references("children", "nodes", counts.nodes, report),
        mesh: obj.reference("mesh", "meshes", counts.meshes, report),
        matrix: obj.numbers("matrix", &[16], report),
        translation: obj.numbers("translation", &[3], report),
        rotation: obj.numbers_in("rotation", 4, -1.0, 1.0, report),
        scale: obj.numbers("scale", &[3], report),
    };
    obj.numbers("weights", &[], report);
    let has_trs = ["translation", "rotation", "scale"]
        .iter()
        .any(|k| obj.get(k).is_some());
    if obj.get("matrix").is_some() && has_trs {
        report.error(
            "NODE_MATRIX_TRS",
            &obj.at("matrix"),
            "a node has either a matrix or translation/rotation/scale",
        );
    }
    if let Some(m) = &node.matrix {
        if !is_trs(m) {
            report.error(
                "NODE_MATRIX_NON_TRS",
                &obj.at("matrix"),
                "the matrix is not decomposable to translation, rotation and scale",
            );
        }
    }
    if let Some(q) = &node.rotation {
        let length_squared: f64 = q.iter().map(|c| c * c).sum();
        if (1.0 - length_squared).abs() > 1e-5 {
            report.error(
                "ROTATION_NON_UNIT",
                &obj.at("rotation"),
                format!("the quaternion has length {:.6}", length_squared.sqrt()),
            );
        }
    }
    node
}

/// True when a column-major 4×4 matrix is translation × rotation × scale: the last row is
/// `0 0 0 1` and the three basis columns are mutually orthogonal (zero-scale axes allowed).
fn is_trs(m: &[f64]) -> bool {
    if m.len() != 16 || m[3] != 0.0 || m[7] != 0.0 || m[11] != 0.0 || m[15] != 1.0 {
        return false;
    }
    let column = |c: usize| [m[c * 4], m[c * 4 + 1], m[c * 4 + 2]];
    let length = |v: [f64; 3]| (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    let columns = [column(0), column(1), column(2)];
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        let (la, lb) = (length(columns[a]), length(columns[b]));
        if la == 0.0 || lb == 0.0 {
            continue;
        }
        let dot: f64 = (0..3).map(|i| columns[a][i] * columns[b][i]).sum();
        if (dot / (la * lb)).abs() > 1e-3 {
            return false;
        }
    }
    true
}

/// Checks one skin and answers how many joints it lists.
fn check_skin(obj: &Obj<'_>, counts: &Counts, doc: &Document, report: &mut Validation) -> usize {
    let joints = obj.references("joints", "nodes", counts.nodes, report);
    if obj.get("joints").is_none() {
        obj.req_array("joints", report);
    }
    obj.reference("skeleton", "nodes", counts.nodes, report);
    let Some(ibm) = obj.reference("inverseBindMatrices", "accessors", counts.accessors, report)
    else {
        return joints.len();
    };
    let accessor = &doc.accessors[ibm];
    if let Some(format) = accessor.format() {
        if format != (ComponentType::F32, ElementType::Mat4) {
            report.error(
                "SKIN_IBM_INVALID_FORMAT",
                &obj.at("inverseBindMatrices"),
                "inverse bind matrices must be MAT4 FLOAT",
            );
        }
    }
    if accessor.count < joints.len() as u64 {
        report.error(
            "INVALID_IBM_ACCESSOR_COUNT",
            &obj.at("inverseBindMatrices"),
            format!(
                "{} joints need as many matrices, the accessor has {}",
                joints.len(),
                accessor.count
            ),
        );
    }
    joints.len()
}

fn check_camera(obj: &Obj<'_>, report: &mut Validation) {
    let kind = obj.req_string("type", report);
    let perspective = obj.object("perspective", report);
    let orthographic = obj.object("orthographic", report);
    match (kind, &perspective, &orthographic) {
        (Some("perspective"), Some(p), None) => {
            p.number_in("aspectRatio", 0.0, f64::MAX, true, report);
            p.require("yfov", report);
            p.number_in("yfov", 0.0, f64::MAX, true, report);
            p.require("znear", report);
            let znear = p.number_in("znear", 0.0, f64::MAX, true, report);
            let zfar = p.number("zfar", report);
            check_planes(p, znear, zfar, report);
        }
        (Some("orthographic"), None, Some(o)) => {
            let (xmag, ymag) = (o.req_number("xmag", report), o.req_number("ymag", report));
            if xmag == Some(0.0) || ymag == Some(0.0) {
                report.error(
                    "CAMERA_XMAG_YMAG_ZERO",
                    &o.ptr,
                    "xmag and ymag must not be zero",
                );
            }
            let znear = o.req_number("znear", report);
            let zfar = o.req_number("zfar", report);
            check_planes(o, znear, zfar, report);
        }
        (Some("perspective" | "orthographic"), _, _) => {
            report.error(
                "ONE_OF_MISMATCH",
                &obj.ptr,
                "exactly the object named by `type` must be defined",
            );
        }
        (Some(other), _, _) => {
            report.warning(
                "VALUE_NOT_IN_LIST",
                &obj.at("type"),
                format!("unknown camera type `{other}`"),
            );
        }
        (None, _, _) => {}
    }
}

/// The far plane must lie beyond the near plane (either missing was reported already).
fn check_planes(camera: &Obj<'_>, znear: Option<f64>, zfar: Option<f64>, report: &mut Validation) {
    if let (Some(near), Some(far)) = (znear, zfar) {
        if far <= near {
            report.error(
                "CAMERA_ZFAR_LEQUAL_ZNEAR",
                &camera.ptr,
                format!("zfar {far} is not greater than znear {near}"),
            );
        }
    }
}

fn check_animation(obj: &Obj<'_>, counts: &Counts, doc: &Document, report: &mut Validation) {
    let samplers = obj.req_array("samplers", report).unwrap_or_default();
    for (i, value) in samplers.iter().enumerate() {
        let Some(sampler) = Obj::new(value, item(&obj.at("samplers"), i), report) else {
            continue;
        };
        let interpolation =
            sampler.enum_str("interpolation", &["LINEAR", "STEP", "CUBICSPLINE"], report);
        sampler.req_reference("output", "accessors", counts.accessors, report);
        let Some(input) = sampler.req_reference("input", "accessors", counts.accessors, report)
        else {
            continue;
        };
        let accessor = &doc.accessors[input];
        let at = sampler.at("input");
        if accessor
            .format()
            .is_some_and(|f| f != (ComponentType::F32, ElementType::Scalar))
        {
            report.error(
                "ANIMATION_SAMPLER_INPUT_ACCESSOR_INVALID_FORMAT",
                &at,
                "the input accessor must be SCALAR FLOAT",
            );
        }
        if accessor.min.is_none() || accessor.max.is_none() {
            report.error(
                "ANIMATION_SAMPLER_INPUT_ACCESSOR_WITHOUT_BOUNDS",
                &at,
                "the input accessor needs min and max",
            );
        }
        let needed = if interpolation == Some("CUBICSPLINE") {
            2
        } else {
            1
        };
        if accessor.count < needed {
            report.error(
                "ANIMATION_SAMPLER_INPUT_ACCESSOR_TOO_FEW_ELEMENTS",
                &at,
                format!(
                    "{} interpolation needs at least {needed} keyframes, found {}",
                    interpolation.unwrap_or("LINEAR"),
                    accessor.count
                ),
            );
        }
    }
    let channels = obj.req_array("channels", report).unwrap_or_default();
    for (i, value) in channels.iter().enumerate() {
        let Some(channel) = Obj::new(value, item(&obj.at("channels"), i), report) else {
            continue;
        };
        channel.req_reference(
            "sampler",
            "samplers of this animation",
            samplers.len(),
            report,
        );
        if let Some(target) = channel.req_object("target", report) {
            target.reference("node", "nodes", counts.nodes, report);
            target.require("path", report);
            target.enum_str(
                "path",
                &["translation", "rotation", "scale", "weights"],
                report,
            );
        }
    }
}
