//! The property ranges of the ratified `KHR_` extensions, as the Khronos glTF-Validator checks
//! them: a value outside its range is `VALUE_NOT_IN_RANGE` (an error) at the value's pointer,
//! and the validator's own semantic codes where it has them:
//!
//! | extension | ranges | own codes |
//! |---|---|---|
//! | `KHR_materials_ior` | `ior` 0 or ≥ 1 | |
//! | `KHR_materials_transmission` | `transmissionFactor` 0..=1 | |
//! | `KHR_materials_volume` | `thicknessFactor` ≥ 0, `attenuationDistance` > 0, `attenuationColor` 0..=1 | `KHR_MATERIALS_VOLUME_NO_TRANSMISSION`, `KHR_MATERIALS_VOLUME_DOUBLE_SIDED` (warnings) |
//! | `KHR_materials_sheen` | `sheenColorFactor`, `sheenRoughnessFactor` 0..=1 | |
//! | `KHR_materials_clearcoat` | `clearcoatFactor`, `clearcoatRoughnessFactor` 0..=1 | `KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD` (warning) |
//! | `KHR_materials_specular` | `specularFactor` 0..=1, `specularColorFactor` ≥ 0 | |
//! | `KHR_materials_emissive_strength` | `emissiveStrength` ≥ 0 | `KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR` (warning) |
//! | `KHR_materials_iridescence` | `iridescenceFactor` 0..=1, `iridescenceIor` ≥ 1, thickness minimum and maximum ≥ 0 | `KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE`, `…_THICKNESS_TEXTURE_UNUSED` (infos) |
//! | `KHR_materials_anisotropy` | `anisotropyStrength` 0..=1 | |
//! | `KHR_materials_dispersion` | `dispersion` ≥ 0 | `KHR_MATERIALS_DISPERSION_NO_VOLUME` (warning) |
//! | `KHR_materials_diffuse_transmission` | factor and colour 0..=1 | |
//! | `KHR_lights_punctual` | `color` 0..=1, `intensity` ≥ 0, `range` > 0, cone angles 0..=π/2 | `KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES` (error) |

use std::f64::consts::FRAC_PI_2;

use crate::gltf::json::Obj;
use crate::gltf::problem::Validation;

/// Checks the extensions of one material object.
pub(super) fn check_material(material: &Obj<'_>, report: &mut Validation) {
    let Some(exts) = material.object("extensions", report) else {
        return;
    };
    let ext = |name: &str, report: &mut Validation| exts.object(name, report);
    if let Some(ior) = ext("KHR_materials_ior", report) {
        if let Some(value) = ior.number("ior", report) {
            if value != 0.0 && value < 1.0 {
                out_of_range(&ior, "ior", value, "0 or at least 1", report);
            }
        }
    }
    let transmission = ext("KHR_materials_transmission", report);
    if let Some(t) = &transmission {
        t.number_in("transmissionFactor", 0.0, 1.0, false, report);
    }
    let diffuse = ext("KHR_materials_diffuse_transmission", report);
    if let Some(d) = &diffuse {
        d.number_in("diffuseTransmissionFactor", 0.0, 1.0, false, report);
        d.numbers_in("diffuseTransmissionColorFactor", 3, 0.0, 1.0, report);
    }
    let volume = ext("KHR_materials_volume", report);
    if let Some(v) = &volume {
        v.number_in("thicknessFactor", 0.0, f64::MAX, false, report);
        v.number_in("attenuationDistance", 0.0, f64::MAX, true, report);
        v.numbers_in("attenuationColor", 3, 0.0, 1.0, report);
        if transmission.is_none() && diffuse.is_none() {
            report.warning(
                "KHR_MATERIALS_VOLUME_NO_TRANSMISSION",
                &v.ptr,
                "the volume extension needs an extension that lets light through the surface",
            );
        }
        if material.get("doubleSided") == Some(&serde_json::Value::Bool(true)) {
            report.warning(
                "KHR_MATERIALS_VOLUME_DOUBLE_SIDED",
                &v.ptr,
                "the volume extension should not be used with double-sided materials",
            );
        }
    }
    if let Some(sheen) = ext("KHR_materials_sheen", report) {
        sheen.numbers_in("sheenColorFactor", 3, 0.0, 1.0, report);
        sheen.number_in("sheenRoughnessFactor", 0.0, 1.0, false, report);
    }
    if let Some(clearcoat) = ext("KHR_materials_clearcoat", report) {
        clearcoat.number_in("clearcoatFactor", 0.0, 1.0, false, report);
        clearcoat.number_in("clearcoatRoughnessFactor", 0.0, 1.0, false, report);
        let tex_coord = |obj: Option<&serde_json::Value>| {
            obj.map(|t| {
                t.get("texCoord")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0)
            })
        };
        if let (Some(normal), Some(coat)) = (
            tex_coord(material.get("normalTexture")),
            tex_coord(clearcoat.get("clearcoatNormalTexture")),
        ) {
            if normal != coat {
                report.warning(
                    "KHR_MATERIALS_CLEARCOAT_CLEARCOAT_NORMAL_TEXTURE_TEXCOORD",
                    &clearcoat.at("clearcoatNormalTexture"),
                    "the normal and clearcoat normal textures should use the same texture coordinates",
                );
            }
        }
    }
    if let Some(specular) = ext("KHR_materials_specular", report) {
        specular.number_in("specularFactor", 0.0, 1.0, false, report);
        specular.numbers_in("specularColorFactor", 3, 0.0, f64::MAX, report);
    }
    if let Some(emissive) = ext("KHR_materials_emissive_strength", report) {
        let strength = emissive.number_in("emissiveStrength", 0.0, f64::MAX, false, report);
        let factor_is_zero = material
            .get("emissiveFactor")
            .and_then(serde_json::Value::as_array)
            .is_none_or(|f| f.iter().all(|v| v.as_f64() == Some(0.0)));
        if strength.is_some_and(|s| s != 1.0) && factor_is_zero {
            report.warning(
                "KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR",
                &emissive.ptr,
                "emissive strength has no effect when the emissive factor is zero or undefined",
            );
        }
    }
    if let Some(iridescence) = ext("KHR_materials_iridescence", report) {
        check_iridescence(&iridescence, report);
    }
    if let Some(anisotropy) = ext("KHR_materials_anisotropy", report) {
        anisotropy.number_in("anisotropyStrength", 0.0, 1.0, false, report);
        anisotropy.number("anisotropyRotation", report);
    }
    if let Some(dispersion) = ext("KHR_materials_dispersion", report) {
        dispersion.number_in("dispersion", 0.0, f64::MAX, false, report);
        if volume.is_none() {
            report.warning(
                "KHR_MATERIALS_DISPERSION_NO_VOLUME",
                &dispersion.ptr,
                "the dispersion extension needs the volume extension",
            );
        }
    }
}

fn check_iridescence(iridescence: &Obj<'_>, report: &mut Validation) {
    iridescence.number_in("iridescenceFactor", 0.0, 1.0, false, report);
    iridescence.number_in("iridescenceIor", 1.0, f64::MAX, false, report);
    let lowest = iridescence.number_in("iridescenceThicknessMinimum", 0.0, f64::MAX, false, report);
    let highest =
        iridescence.number_in("iridescenceThicknessMaximum", 0.0, f64::MAX, false, report);
    if iridescence.get("iridescenceThicknessTexture").is_some() {
        if lowest.unwrap_or(100.0) == highest.unwrap_or(400.0) {
            report.info(
                "KHR_MATERIALS_IRIDESCENCE_THICKNESS_TEXTURE_UNUSED",
                &iridescence.at("iridescenceThicknessTexture"),
                "the thickness texture has no effect when the minimum equals the maximum",
            );
        }
    } else if lowest.is_some() {
        report.info(
            "KHR_MATERIALS_IRIDESCENCE_THICKNESS_RANGE_WITHOUT_TEXTURE",
            &iridescence.at("iridescenceThicknessMinimum"),
            "the thickness minimum has no effect without a thickness texture",
        );
    }
}

/// Checks the root `KHR_lights_punctual` lights.
pub(super) fn check_lights(root: &Obj<'_>, report: &mut Validation) {
    let Some(lights) = root
        .object("extensions", report)
        .and_then(|e| e.object("KHR_lights_punctual", report))
        .and_then(|l| {
            let items = l.array("lights", true, report)?;
            Some((l.at("lights"), items))
        })
    else {
        return;
    };
    let (base, items) = lights;
    for (i, value) in items.iter().enumerate() {
        let Some(light) = Obj::new(value, crate::gltf::json::item(&base, i), report) else {
            continue;
        };
        light.numbers_in("color", 3, 0.0, 1.0, report);
        light.number_in("intensity", 0.0, f64::MAX, false, report);
        light.number_in("range", 0.0, f64::MAX, true, report);
        light.enum_str("type", &["directional", "point", "spot"], report);
        let Some(spot) = light.object("spot", report) else {
            continue;
        };
        let inner = spot.number_in("innerConeAngle", 0.0, FRAC_PI_2, false, report);
        let outer = spot.number_in("outerConeAngle", 0.0, FRAC_PI_2, true, report);
        let (inner, outer) = (
            inner.unwrap_or(0.0),
            outer.unwrap_or(std::f64::consts::FRAC_PI_4),
        );
        if outer <= inner {
            report.error(
                "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES",
                &spot.ptr,
                format!("outerConeAngle ({outer}) is not greater than innerConeAngle ({inner})"),
            );
        }
    }
}

fn out_of_range(obj: &Obj<'_>, key: &str, value: f64, range: &str, report: &mut Validation) {
    report.error(
        "VALUE_NOT_IN_RANGE",
        &obj.at(key),
        format!("value {value} is out of range ({range})"),
    );
}
