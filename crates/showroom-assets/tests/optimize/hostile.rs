//! Bad input is an `OptimizeError`, never a panic, and never an output.

use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::optimize::{optimize, OptimizeError, OptimizeOptions};

fn run(bytes: &[u8], format: Format) -> Result<(), OptimizeError> {
    optimize(bytes, format, &NoResources, &OptimizeOptions::default()).map(|_| ())
}

#[test]
fn garbage_and_empty_files_are_unreadable() {
    for bytes in [&b""[..], b"glTF", b"not a model at all", &[0xff; 64]] {
        for format in [Format::Glb, Format::Gltf] {
            assert!(matches!(
                run(bytes, format),
                Err(OptimizeError::Unreadable(_) | OptimizeError::Invalid { .. })
            ));
        }
    }
}

#[test]
fn every_truncation_of_a_valid_glb_is_refused_without_panic() {
    let glb = demo::generate(DemoKind::Sneaker, &[]);
    for len in (0..glb.len()).step_by(97) {
        let result = run(&glb[..len], Format::Glb);
        assert!(
            matches!(
                result,
                Err(OptimizeError::Unreadable(_) | OptimizeError::Invalid { .. })
            ),
            "{len} bytes: {result:?}"
        );
    }
}

#[test]
fn a_document_with_a_validation_error_is_refused_with_the_first_error() {
    let json = serde_json::json!({
        "asset": {"version": "2.0"},
        "meshes": [{"primitives": [{"attributes": {"POSITION": 7}}]}],
    });
    match run(json.to_string().as_bytes(), Format::Gltf) {
        Err(OptimizeError::Invalid { first, validation }) => {
            assert!(validation.has_errors());
            assert!(first.contains("UNRESOLVED_REFERENCE"), "{first}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn options_out_of_range_are_refused() {
    let glb = demo::generate(DemoKind::Chair, &[]);
    for options in [
        OptimizeOptions {
            max_texture_px: 0,
            ..OptimizeOptions::default()
        },
        OptimizeOptions {
            position_bits: 17,
            ..OptimizeOptions::default()
        },
        OptimizeOptions {
            uv_bits: 0,
            ..OptimizeOptions::default()
        },
    ] {
        let result = optimize(&glb, Format::Glb, &NoResources, &options);
        assert!(
            matches!(result, Err(OptimizeError::Options(_))),
            "{options:?}"
        );
    }
}
