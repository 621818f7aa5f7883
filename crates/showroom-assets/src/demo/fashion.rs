//! Fashion demo models, built at real sizes in metres: a sneaker is 28 cm long, a cap 19 cm
//! wide, a backpack 45 cm tall. Shoes point towards +X, everything else faces +Z.

use std::f32::consts::FRAC_PI_2;

use glam::{Vec2, Vec3};

use super::mesh::Place;
use super::model::{
    Model, Slot, BLACK_PLASTIC, BLACK_RUBBER, BRASS, DARK_GLASS, RIBBON, WHITE_RUBBER,
};
use super::primitives::{
    arc_profile, capsule, cuboid, cylinder, dome, lathe, round_segments, rounded_box, sphere, torus,
};

/// A low-top sneaker, 28 cm: rubber sole and toe cap, rounded upper, collar, tongue, laces.
pub(crate) fn sneaker() -> Model {
    const SOLE_TOP: f32 = 0.028;
    const UPPER_CENTRE: f32 = -0.005;
    const UPPER_LENGTH: f32 = 0.125;
    const UPPER_HEIGHT: f32 = 0.07;
    let mut model = Model::new("Sneaker", 0.0, 0.75);
    model
        .fixed(
            WHITE_RUBBER,
            &rounded_box(Vec3::new(0.28, 0.03, 0.1), 0.012),
            Place::at(0.0, 0.015, 0.0),
        )
        .primary(
            &dome(1.0),
            Place::at(UPPER_CENTRE, SOLE_TOP, 0.0).scaled(UPPER_LENGTH, UPPER_HEIGHT, 0.046),
        )
        .fixed(
            WHITE_RUBBER,
            &dome(1.0),
            Place::at(0.095, SOLE_TOP, 0.0).scaled(0.05, 0.03, 0.044),
        )
        // The heel counter rises higher than the toe, and the padded collar rings the opening.
        .primary(
            &rounded_box(Vec3::new(0.085, 0.08, 0.09), 0.03),
            Place::at(-0.093, SOLE_TOP + 0.04, 0.0),
        )
        .fixed(
            BLACK_RUBBER,
            &cylinder(0.03, 0.004),
            Place::at(-0.075, SOLE_TOP + 0.079, 0.0).scaled(1.25, 1.0, 1.05),
        )
        .primary(
            &torus(0.034, 0.008, 360.0),
            Place::at(-0.075, SOLE_TOP + 0.08, 0.0).scaled(1.2, 1.0, 1.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.05, 0.008, 0.034), 0.003),
            Place::at(-0.025, SOLE_TOP + 0.075, 0.0).rot_z(35.0),
        );
    // Laces sit on the upper's curve: y = top of the half-ellipsoid at that x.
    let lace = cuboid(Vec3::new(0.006, 0.003, 0.042));
    for i in 0..4_u8 {
        let x = 0.0 + 0.016 * f32::from(i);
        let t = (x - UPPER_CENTRE) / UPPER_LENGTH;
        let y = SOLE_TOP + UPPER_HEIGHT * (1.0 - t * t).max(0.0).sqrt();
        model.fixed(WHITE_RUBBER, &lace, Place::at(x, y, 0.0));
    }
    model
}

/// A structured handbag, 29 cm: body, front flap, brass clasp, two arched handles.
pub(crate) fn handbag() -> Model {
    let mut model = Model::new("Handbag", 0.0, 0.55);
    let handle = torus(0.07, 0.006, 180.0);
    model
        .primary(
            &rounded_box(Vec3::new(0.28, 0.2, 0.11), 0.025),
            Place::at(0.0, 0.1, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.272, 0.09, 0.008), 0.004),
            Place::at(0.0, 0.155, 0.056),
        )
        .fixed(
            BRASS,
            &cuboid(Vec3::new(0.03, 0.018, 0.006)),
            Place::at(0.0, 0.12, 0.061),
        )
        .primary(&handle, Place::at(0.0, 0.2, -0.025).rot_x(90.0))
        .primary(&handle, Place::at(0.0, 0.2, 0.025).rot_x(90.0));
    model
}

/// A weekender duffel bag, 56 cm: a capsule body, zip, two handles, brass feet.
pub(crate) fn duffel_bag() -> Model {
    let mut model = Model::new("Duffel bag", 0.0, 0.8);
    let handle = torus(0.06, 0.007, 180.0);
    model
        .primary(
            &capsule(0.13, 0.3),
            Place::at(0.0, 0.13, 0.0).rot_z(90.0).scaled(1.0, 1.0, 0.85),
        )
        .between(
            Slot::Fixed(BRASS),
            &cylinder(0.003, 1.0),
            Vec3::new(-0.2, 0.26, 0.0),
            Vec3::new(0.2, 0.26, 0.0),
        )
        .fixed(
            BLACK_RUBBER,
            &handle,
            Place::at(0.0, 0.25, -0.035).rot_x(90.0),
        )
        .fixed(
            BLACK_RUBBER,
            &handle,
            Place::at(0.0, 0.25, 0.035).rot_x(90.0),
        );
    let foot = sphere(0.008);
    for (x, z) in [(-0.15, -0.05), (0.15, -0.05), (-0.15, 0.05), (0.15, 0.05)] {
        model.fixed(BRASS, &foot, Place::at(x, 0.008, z));
    }
    model
}

/// A baseball cap, 19 cm wide: six-panel crown, curved brim, top button.
pub(crate) fn cap() -> Model {
    let mut model = Model::new("Cap", 0.0, 0.9);
    model
        .primary(
            &dome(1.0),
            Place::at(0.0, 0.0, 0.0).scaled(0.095, 0.11, 0.1),
        )
        .primary(
            &cylinder(1.0, 1.0),
            Place::at(0.0, 0.012, 0.09)
                .rot_x(8.0)
                .scaled(0.088, 0.005, 0.075),
        )
        .primary(&sphere(0.008), Place::at(0.0, 0.11, 0.0));
    model
}

/// A knitted beanie, 25 cm with its pompom: rounded crown, folded cuff.
pub(crate) fn beanie() -> Model {
    let mut model = Model::new("Beanie", 0.0, 0.95);
    let mut profile = vec![Vec2::new(0.0, 0.0), Vec2::new(0.095, 0.0)];
    profile.extend(
        arc_profile(1.0, 0.0, FRAC_PI_2, 0.0, 10)
            .into_iter()
            .map(|p| Vec2::new(0.095 * p.x, 0.07 + 0.12 * p.y)),
    );
    model
        .primary(&lathe(&profile, round_segments()), Place::at(0.0, 0.0, 0.0))
        .primary(&cylinder(0.102, 0.065), Place::at(0.0, 0.0325, 0.0))
        .primary(&sphere(0.035), Place::at(0.0, 0.215, 0.0));
    model
}

/// A felt fedora, 40 cm brim: pinched crown, wide brim, ribbon band.
pub(crate) fn fedora() -> Model {
    let mut model = Model::new("Fedora", 0.0, 0.9);
    // Walked from the brim's underside out, over its top, up the crown to the dented top.
    let hat = lathe(
        &[
            Vec2::new(0.0, 0.0),
            Vec2::new(0.17, 0.0),
            Vec2::new(0.176, 0.01),
            Vec2::new(0.12, 0.012),
            Vec2::new(0.09, 0.016),
            Vec2::new(0.085, 0.024),
            Vec2::new(0.078, 0.11),
            Vec2::new(0.06, 0.125),
            Vec2::new(0.0, 0.112),
        ],
        round_segments(),
    );
    model
        .primary(&hat, Place::at(0.0, 0.0, 0.0).scaled(1.0, 1.0, 1.12))
        .fixed(
            RIBBON,
            &cylinder(0.0855, 0.02),
            Place::at(0.0, 0.035, 0.0).scaled(1.0, 1.0, 1.12),
        );
    model
}

/// Sunglasses, 13 cm: two oval lenses in a frame, a bridge, and temples with bent tips.
pub(crate) fn sunglasses() -> Model {
    let mut model = Model::new("Sunglasses", 0.0, 0.3);
    let rim = torus(0.026, 0.0028, 360.0);
    let lens = cylinder(1.0, 1.0);
    let temple = cuboid(Vec3::new(0.004, 0.005, 0.13));
    let tip = cuboid(Vec3::new(0.004, 0.025, 0.004));
    for side in [-1.0_f32, 1.0] {
        let x = side * 0.034;
        // Turned upright (axis along Z), local Z becomes height: ovals 52 × 42 mm.
        model
            .primary(
                &rim,
                Place::at(x, 0.03, 0.0).rot_x(90.0).scaled(1.0, 1.0, 0.81),
            )
            .fixed(
                DARK_GLASS,
                &lens,
                Place::at(x, 0.03, 0.0)
                    .rot_x(90.0)
                    .scaled(0.026, 0.002, 0.021),
            )
            .primary(&temple, Place::at(side * 0.061, 0.036, -0.065))
            .primary(&tip, Place::at(side * 0.061, 0.026, -0.128).rot_x(-20.0));
    }
    model.primary(
        &torus(0.009, 0.0022, 180.0),
        Place::at(0.0, 0.036, 0.0).rot_x(90.0),
    );
    model
}

/// A daypack, 45 cm tall: body, front pocket with zip, top handle, shoulder straps.
pub(crate) fn backpack() -> Model {
    let mut model = Model::new("Backpack", 0.0, 0.8);
    let strap = rounded_box(Vec3::new(0.05, 0.36, 0.015), 0.006);
    model
        .primary(
            &rounded_box(Vec3::new(0.3, 0.42, 0.14), 0.05),
            Place::at(0.0, 0.21, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.24, 0.18, 0.05), 0.02),
            Place::at(0.0, 0.13, 0.08),
        )
        .between(
            Slot::Fixed(BLACK_PLASTIC),
            &cylinder(0.002, 1.0),
            Vec3::new(-0.1, 0.215, 0.1),
            Vec3::new(0.1, 0.215, 0.1),
        )
        .fixed(
            BLACK_RUBBER,
            &torus(0.03, 0.006, 180.0),
            Place::at(0.0, 0.415, -0.02).rot_x(90.0),
        );
    for side in [-1.0_f32, 1.0] {
        model.fixed(
            BLACK_RUBBER,
            &strap,
            Place::at(side * 0.07, 0.22, -0.082).rot_x(6.0),
        );
    }
    model
}
