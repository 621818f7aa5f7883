//! The pipeline's typed report: what `process` stores reads back as the same report, the
//! posters' camera is in it, and records of other shapes (a refusal, an older report) read as
//! what they are.

use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::pipeline::{self, PipelineOptions, PipelineReport, ProcessError};
use showroom_assets::render;

fn processed_chair() -> pipeline::Processed {
    let glb = demo::generate(
        DemoKind::Chair,
        &[
            ("Oak", [0.6, 0.4, 0.2, 1.0]),
            ("Ash", [0.8, 0.75, 0.6, 1.0]),
        ],
    );
    let options = PipelineOptions {
        poster_sizes: vec![64, 128],
        ..PipelineOptions::default()
    };
    pipeline::process(&glb, Format::Glb, &NoResources, &options, &mut |_, _| {}).unwrap()
}

#[test]
fn the_stored_report_reads_back_as_the_report_that_was_written() {
    let processed = processed_chair();
    let stored = processed.report.to_stored();
    let read = PipelineReport::from_stored(&stored).expect("a pipeline report");
    assert_eq!(read, processed.report);
    // The same JSON as `report.json`.
    let file = processed
        .files
        .iter()
        .find(|f| f.name.as_str() == pipeline::REPORT)
        .unwrap();
    let from_file: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
    assert_eq!(from_file, stored);
    assert_eq!(read.variants, ["Oak", "Ash"]);
    assert_eq!(read.default_poster(), Some("poster-default-128.png"));
    assert_eq!(read.posters.len(), 3);
    assert!(read.inspection.triangles > 0);
    assert_eq!(read.dimensions_m, read.inspection.dimensions_m);
}

#[test]
fn the_report_holds_the_posters_camera_in_model_viewer_units() {
    let processed = processed_chair();
    let camera = processed.report.camera.clone().expect("a camera");
    let stored = processed.report.to_stored();
    assert_eq!(stored["camera"]["field_of_view"], "30deg");
    let orbit = stored["camera"]["camera_orbit"].as_str().unwrap();
    let terms: Vec<&str> = orbit.split(' ').collect();
    assert_eq!(terms.len(), 3, "{orbit}");
    assert!(terms[0].ends_with("deg") && terms[1].ends_with("deg") && terms[2].ends_with('m'));
    // The camera is the one the renderer frames this scene with, whatever the poster size.
    let plain = processed
        .files
        .iter()
        .find(|f| f.name.as_str() == pipeline::PLAIN_GLB)
        .unwrap();
    let scene = showroom_assets::scene::decode(&plain.bytes, Format::Glb, &NoResources).unwrap();
    assert_eq!(render::poster_camera(&scene), Some(camera.clone()));
    // Seen from the front-right and above, at a distance that fits a chair under a metre tall.
    assert!(camera.theta_deg > 0.0 && camera.theta_deg < 90.0);
    assert!(camera.phi_deg > 45.0 && camera.phi_deg < 90.0);
    let height = processed.report.dimensions_m[1];
    assert!(camera.radius_m > height && camera.radius_m < 10.0 * height);
    assert!(camera.target_m[1] > 0.0 && camera.target_m[1] < height);
}

#[test]
fn an_older_report_without_a_camera_still_reads() {
    let mut stored = processed_chair().report.to_stored();
    stored.as_object_mut().unwrap().remove("camera");
    let read = PipelineReport::from_stored(&stored).expect("an older report");
    assert_eq!(read.camera, None);
    assert_eq!(read.variants, ["Oak", "Ash"]);
}

#[test]
fn a_refusal_is_not_a_pipeline_report() {
    let error = pipeline::process(
        b"glTF\x02\x00\x00\x00",
        Format::Glb,
        &NoResources,
        &PipelineOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    let ProcessError::Rejected { report, .. } = error else {
        panic!("refused, not failed: {error}")
    };
    let stored = report.to_stored();
    assert!(stored["validation"]["errors"].as_u64().unwrap() >= 1);
    assert!(stored.get("bundle").is_none());
    assert_eq!(PipelineReport::from_stored(&stored), None);
}
