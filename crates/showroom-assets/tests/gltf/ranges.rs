//! The Khronos glTF-Validator's property ranges of the ratified `KHR_` extensions and its
//! semantic codes for them, and a check that real exporters' models break none of the value rules.

use serde_json::{json, Value};
use showroom_assets::gltf::{self, Format, NoResources, Severity, Validation};

use crate::values::found;

/// A document with one material carrying `extension` = `value`.
fn material_with(extension: &str, value: Value) -> Value {
    let mut material = json!({"extensions": {extension: value}});
    let mut used = vec![extension];
    if extension == "KHR_materials_volume" {
        material["extensions"]["KHR_materials_transmission"] = json!({});
        used.push("KHR_materials_transmission");
    }
    json!({
        "asset": {"version": "2.0"},
        "extensionsUsed": used,
        "materials": [material]
    })
}

/// The validation of `json` as a `.gltf` file.
fn validate(json: &Value) -> Validation {
    gltf::validate(
        &serde_json::to_vec(json).unwrap(),
        Format::Gltf,
        &NoResources,
    )
}

#[test]
fn khr_material_properties_out_of_range_are_value_not_in_range_at_the_value() {
    // (extension, pointer below the extension, value): the property is the pointer's first step.
    let cases = [
        ("KHR_materials_ior", "ior", json!(0.5)),
        (
            "KHR_materials_transmission",
            "transmissionFactor",
            json!(1.5),
        ),
        ("KHR_materials_volume", "thicknessFactor", json!(-1)),
        ("KHR_materials_volume", "attenuationDistance", json!(0)),
        ("KHR_materials_sheen", "sheenRoughnessFactor", json!(2)),
        (
            "KHR_materials_sheen",
            "sheenColorFactor/1",
            json!([0, 1.5, 0]),
        ),
        ("KHR_materials_clearcoat", "clearcoatFactor", json!(-0.1)),
        (
            "KHR_materials_clearcoat",
            "clearcoatRoughnessFactor",
            json!(1.1),
        ),
        ("KHR_materials_specular", "specularFactor", json!(1.1)),
        (
            "KHR_materials_specular",
            "specularColorFactor/1",
            json!([1, -1, 1]),
        ),
        (
            "KHR_materials_emissive_strength",
            "emissiveStrength",
            json!(-2),
        ),
        ("KHR_materials_iridescence", "iridescenceIor", json!(0.9)),
        ("KHR_materials_iridescence", "iridescenceFactor", json!(3)),
        ("KHR_materials_anisotropy", "anisotropyStrength", json!(1.5)),
        ("KHR_materials_dispersion", "dispersion", json!(-1)),
    ];
    for (extension, pointer, value) in cases {
        let property = pointer.split('/').next().unwrap();
        let value = json!({ property: value });
        let validation = validate(&material_with(extension, value.clone()));
        let pointer = format!("/materials/0/extensions/{extension}/{pointer}");
        assert_eq!(
            found(&validation, "VALUE_NOT_IN_RANGE"),
            vec![(Severity::Error, pointer)],
            "{extension} {value}"
        );
    }
}

#[test]
fn khr_material_properties_in_range_pass_and_an_ior_of_zero_is_allowed() {
    let cases = [
        ("KHR_materials_ior", json!({"ior": 0})),
        ("KHR_materials_ior", json!({"ior": 2.4})),
        (
            "KHR_materials_volume",
            json!({"thicknessFactor": 0.5, "attenuationDistance": 3}),
        ),
        (
            "KHR_materials_specular",
            json!({"specularColorFactor": [2, 2, 2]}),
        ),
        (
            "KHR_materials_emissive_strength",
            json!({"emissiveStrength": 1}),
        ),
        (
            "KHR_materials_sheen",
            json!({"sheenColorFactor": [1, 1, 1], "sheenRoughnessFactor": 0}),
        ),
    ];
    for (extension, value) in cases {
        let validation = validate(&material_with(extension, value.clone()));
        assert!(
            !validation.has_errors(),
            "{extension} {value}: {:?}",
            validation.problems
        );
    }
}

#[test]
fn the_validators_semantic_codes_for_khr_extensions() {
    let mut volume_alone = material_with("KHR_materials_volume", json!({"thicknessFactor": 1}));
    volume_alone["materials"][0]["extensions"]
        .as_object_mut()
        .unwrap()
        .remove("KHR_materials_transmission");
    assert_eq!(
        found(
            &validate(&volume_alone),
            "KHR_MATERIALS_VOLUME_NO_TRANSMISSION"
        )
        .len(),
        1
    );
    let strength = material_with(
        "KHR_materials_emissive_strength",
        json!({"emissiveStrength": 5}),
    );
    assert_eq!(
        found(
            &validate(&strength),
            "KHR_MATERIALS_EMISSIVE_STRENGTH_ZERO_FACTOR"
        ),
        vec![(
            Severity::Warning,
            "/materials/0/extensions/KHR_materials_emissive_strength".to_owned()
        )]
    );
    let lights = json!({
        "asset": {"version": "2.0"},
        "extensionsUsed": ["KHR_lights_punctual"],
        "extensions": {"KHR_lights_punctual": {"lights": [
            {"type": "spot", "intensity": -1, "spot": {"innerConeAngle": 0.5, "outerConeAngle": 0.4}},
            {"type": "point", "range": 0}
        ]}}
    });
    let validation = validate(&lights);
    assert_eq!(
        found(&validation, "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES"),
        vec![(
            Severity::Error,
            "/extensions/KHR_lights_punctual/lights/0/spot".to_owned()
        )]
    );
    let ranges: Vec<String> = found(&validation, "VALUE_NOT_IN_RANGE")
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(
        ranges,
        [
            "/extensions/KHR_lights_punctual/lights/0/intensity",
            "/extensions/KHR_lights_punctual/lights/1/range"
        ]
    );
}

/// The codes of the rules in this file.
const VALUE_RULES: &[&str] = &[
    "ACCESSOR_VECTOR3_NON_UNIT",
    "ACCESSOR_INVALID_SIGN",
    "ACCESSOR_NON_CLAMPED",
    "ACCESSOR_WEIGHTS_NON_NORMALIZED",
    "ACCESSOR_WEIGHTS_NEGATIVE",
    "ACCESSOR_JOINTS_INDEX_OOB",
    "ACCESSOR_JOINTS_INDEX_DUPLICATE",
    "VALUE_NOT_IN_RANGE",
    "KHR_LIGHTS_PUNCTUAL_LIGHT_SPOT_ANGLES",
];

#[test]
fn real_exporters_models_break_none_of_the_value_rules() {
    let mut checked = 0;
    for set in ["gltf/models", "gltf/extensions"] {
        let Some(models) = showroom_test_support::manifest_models(set) else {
            return;
        };
        for path in models {
            let validation = gltf::AssetFile::open(&path).unwrap().validate();
            let broken: Vec<_> = validation
                .problems
                .iter()
                .filter(|p| VALUE_RULES.contains(&p.code.as_ref()))
                .collect();
            assert!(broken.is_empty(), "{}: {broken:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} models checked");
}
