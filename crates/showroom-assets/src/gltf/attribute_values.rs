//! The Khronos glTF-Validator's rules for the *values* of vertex attributes, with its codes:
//!
//! - `NORMAL` and the `xyz` of `TANGENT` are unit vectors (`ACCESSOR_VECTOR3_NON_UNIT`; releases
//!   before 2.0.0-dev.3 called it `ACCESSOR_NON_UNIT`), within the validator's tolerance of
//!   [`UNIT_LENGTH_TOLERANCE`] — slightly more than the error of signed 8-bit quantization, so the
//!   slightly non-unit normals real exporters write pass;
//! - the `w` of `TANGENT` is exactly 1 or -1 (`ACCESSOR_INVALID_SIGN`);
//! - float `COLOR_n` components lie in 0..=1 (`ACCESSOR_NON_CLAMPED`);
//! - skinning influences, per vertex over every `JOINTS_n`/`WEIGHTS_n` pair, for meshes that a
//!   skinned node uses: each joint below the smallest such skin's joint count
//!   (`ACCESSOR_JOINTS_INDEX_OOB`), no joint twice with a non-zero weight
//!   (`ACCESSOR_JOINTS_INDEX_DUPLICATE`), no negative weight (`ACCESSOR_WEIGHTS_NEGATIVE`), a
//!   zero weight only on joint 0 (`ACCESSOR_JOINTS_USED_ZERO_WEIGHT`, a warning), and weights
//!   summing to 1 (`ACCESSOR_WEIGHTS_NON_NORMALIZED`) within one 8-bit step per two influences
//!   beyond the second, summed at `f32` precision as the validator does.
//!
//! Where the validator reports every element, we report each rule once per accessor (or
//! attribute) with how many elements broke it and the first one, so a million bad normals make
//! one problem. The bytes read come out of the same budget as the other element checks
//! ([`Scan`]), and only located accessors are read, with bounds-checked slicing.

use super::accessor_data::{component, Scan};
use super::binary::Binary;
use super::document::{Accessor, ComponentType, Document, ElementType, Primitive};
use super::json::child;
use super::problem::Validation;

/// How far from 1 the length of a unit vector may be (the validator's `unitLengthThresholdVec3`).
pub(crate) const UNIT_LENGTH_TOLERANCE: f64 = 0.00674;

/// The tolerance of a weight sum per two influences beyond the second (`unitSumThresholdStep`).
const WEIGHT_SUM_STEP: f64 = 0.0039216;

pub(super) fn check(doc: &Document, binary: &Binary<'_>, scan: &mut Scan, report: &mut Validation) {
    let mut seen = vec![false; doc.accessors.len()];
    for (m, mesh) in doc.meshes.iter().enumerate() {
        let max_joints = smallest_skin(doc, m);
        for (p, primitive) in mesh.primitives.iter().enumerate() {
            let base = format!("/meshes/{m}/primitives/{p}/attributes");
            for (name, index) in &primitive.attributes {
                let rule = match name.as_str() {
                    "NORMAL" => Rule::Unit,
                    "TANGENT" => Rule::UnitWithSign,
                    n if n.starts_with("COLOR_") => Rule::Clamped,
                    _ => continue,
                };
                if std::mem::replace(&mut seen[*index], true) {
                    continue;
                }
                let Some(values) = Values::of(doc, binary, *index, scan, report) else {
                    continue;
                };
                rule.check(&values, &child(&base, name), report);
            }
            if let Some(max_joints) = max_joints {
                influences(doc, binary, primitive, max_joints, &base, scan, report);
            }
        }
    }
}

/// The fewest joints among the skins of the nodes that draw mesh `m` (with the index of that
/// skin), or `None` when no skinned node uses it: the validator checks influences only then.
fn smallest_skin(doc: &Document, m: usize) -> Option<(usize, usize)> {
    doc.nodes
        .iter()
        .filter(|n| n.mesh == Some(m))
        .filter_map(|n| n.skin)
        .map(|s| (doc.skin_joints.get(s).copied().unwrap_or(0), s))
        .min()
        .filter(|(joints, _)| *joints > 0)
}

/// One located accessor's elements, read as the values they stand for (normalized integers
/// dequantized).
struct Values<'a> {
    bytes: &'a [u8],
    stride: usize,
    accessor: &'a Accessor,
    component: ComponentType,
    element: ElementType,
}

impl<'a> Values<'a> {
    fn of(
        doc: &'a Document,
        binary: &'a Binary<'_>,
        index: usize,
        scan: &mut Scan,
        report: &mut Validation,
    ) -> Option<Self> {
        let accessor = &doc.accessors[index];
        if accessor.sparse.is_some() {
            return None;
        }
        let (component, element) = accessor.format()?;
        let (bytes, stride) = binary.accessor(index)?;
        if !scan.allow(accessor.count * element.element_size(component), report) {
            return None;
        }
        Some(Self {
            bytes,
            stride,
            accessor,
            component,
            element,
        })
    }

    fn count(&self) -> u64 {
        self.accessor.count
    }

    fn components(&self) -> usize {
        self.element.components()
    }

    /// Component `c` of element `e`; `None` past the data (which location checks rule out).
    fn get(&self, e: u64, c: usize) -> Option<f64> {
        let offset = self.element.component_offset(self.component, c);
        let raw = component(self.bytes, self.stride, offset, self.component, e)?;
        Some(if self.accessor.normalized {
            self.component.dequantize(raw)
        } else {
            raw
        })
    }
}

/// Counts the elements that break a rule and keeps the first.
#[derive(Default)]
struct Tally {
    count: u64,
    first: Option<(u64, f64)>,
}

impl Tally {
    fn add(&mut self, e: u64, value: f64) {
        self.count += 1;
        self.first.get_or_insert((e, value));
    }

    fn report(&self, report: &mut Validation, code: &'static str, ptr: &str, what: &str) {
        if let Some((e, value)) = self.first {
            report.error(
                code,
                ptr,
                format!(
                    "{} elements {what} (first: element {e}, {value})",
                    self.count
                ),
            );
        }
    }
}

#[derive(Clone, Copy)]
enum Rule {
    Unit,
    UnitWithSign,
    Clamped,
}

impl Rule {
    fn check(self, values: &Values<'_>, ptr: &str, report: &mut Validation) {
        let (mut non_unit, mut bad_sign, mut unclamped) =
            (Tally::default(), Tally::default(), Tally::default());
        let float = values.component == ComponentType::F32;
        for e in 0..values.count() {
            let Some(element) = (0..values.components())
                .map(|c| values.get(e, c))
                .collect::<Option<Vec<f64>>>()
            else {
                return;
            };
            // Non-finite floats are already ACCESSOR_INVALID_FLOAT.
            if element.iter().any(|v| !v.is_finite()) {
                continue;
            }
            match self {
                Rule::Unit | Rule::UnitWithSign if element.len() >= 3 => {
                    let length = element[..3].iter().map(|v| v * v).sum::<f64>().sqrt();
                    if (length - 1.0).abs() > UNIT_LENGTH_TOLERANCE {
                        non_unit.add(e, length);
                    }
                    if matches!(self, Rule::UnitWithSign) {
                        if let Some(&w) = element.get(3).filter(|w| w.abs() != 1.0) {
                            bad_sign.add(e, w);
                        }
                    }
                }
                Rule::Clamped if float => {
                    if let Some(&v) = element.iter().find(|v| !(0.0..=1.0).contains(*v)) {
                        unclamped.add(e, v);
                    }
                }
                _ => return,
            }
        }
        non_unit.report(
            report,
            "ACCESSOR_VECTOR3_NON_UNIT",
            ptr,
            "are not of unit length",
        );
        bad_sign.report(
            report,
            "ACCESSOR_INVALID_SIGN",
            ptr,
            "have a w component other than 1.0 or -1.0",
        );
        unclamped.report(
            report,
            "ACCESSOR_NON_CLAMPED",
            ptr,
            "are not clamped to 0..1",
        );
    }
}

/// The skinning influences of one primitive: every `JOINTS_n` with its `WEIGHTS_n`, read
/// together vertex by vertex.
fn influences(
    doc: &Document,
    binary: &Binary<'_>,
    primitive: &Primitive,
    (max_joints, skin): (usize, usize),
    base: &str,
    scan: &mut Scan,
    report: &mut Validation,
) {
    let mut sets = Vec::new();
    for set in 0.. {
        let (Some(joints), Some(weights)) = (
            primitive.attribute(&format!("JOINTS_{set}")),
            primitive.attribute(&format!("WEIGHTS_{set}")),
        ) else {
            break;
        };
        let (Some(j), Some(w)) = (
            Values::of(doc, binary, joints, scan, report),
            Values::of(doc, binary, weights, scan, report),
        ) else {
            return;
        };
        if j.components() != 4 || w.components() != 4 || j.count() != w.count() {
            return;
        }
        sets.push((set, j, w));
    }
    let Some(vertices) = sets.first().map(|(_, j, _)| j.count()) else {
        return;
    };
    if sets.iter().any(|(_, j, _)| j.count() != vertices) {
        return;
    }
    let mut tallies: Vec<[Tally; 4]> = sets.iter().map(|_| Default::default()).collect();
    let mut non_normalized = Tally::default();
    let mut used = Vec::with_capacity(4 * sets.len());
    for e in 0..vertices {
        used.clear();
        let mut sum = 0f32;
        for (s, (_, joints, weights)) in sets.iter().enumerate() {
            for c in 0..4 {
                let (Some(joint), Some(weight)) = (joints.get(e, c), weights.get(e, c)) else {
                    return;
                };
                let [oob, duplicate, negative, zero] = &mut tallies[s];
                if joint >= max_joints as f64 {
                    oob.add(e, joint);
                } else if weight != 0.0 {
                    let unique = !used.contains(&joint);
                    if !unique {
                        duplicate.add(e, joint);
                    } else {
                        used.push(joint);
                    }
                    if weight < 0.0 {
                        negative.add(e, weight);
                    } else if unique {
                        sum += weight as f32;
                    }
                } else if joint != 0.0 {
                    zero.add(e, joint);
                }
            }
        }
        let steps = ((used.len() as i64 + 1) >> 1) - 1;
        if (f64::from(sum) - 1.0).abs() > WEIGHT_SUM_STEP * steps as f64 {
            non_normalized.add(e, f64::from(sum));
        }
    }
    for ((set, _, _), [oob, duplicate, negative, zero]) in sets.iter().zip(&tallies) {
        let joints = child(base, &format!("JOINTS_{set}"));
        let weights = child(base, &format!("WEIGHTS_{set}"));
        oob.report(
            report,
            "ACCESSOR_JOINTS_INDEX_OOB",
            &joints,
            &format!("name a joint past the {max_joints} of skin {skin}"),
        );
        duplicate.report(
            report,
            "ACCESSOR_JOINTS_INDEX_DUPLICATE",
            &joints,
            "name a joint already used by the vertex",
        );
        negative.report(
            report,
            "ACCESSOR_WEIGHTS_NEGATIVE",
            &weights,
            "have a negative weight",
        );
        if let Some((e, joint)) = zero.first {
            report.warning(
                "ACCESSOR_JOINTS_USED_ZERO_WEIGHT",
                &joints,
                format!(
                    "{} elements name a joint with zero weight (first: element {e}, joint {joint})",
                    zero.count
                ),
            );
        }
    }
    for (set, _, _) in &sets {
        non_normalized.report(
            report,
            "ACCESSOR_WEIGHTS_NON_NORMALIZED",
            &child(base, &format!("WEIGHTS_{set}")),
            "have weights whose sum is not 1",
        );
    }
}
