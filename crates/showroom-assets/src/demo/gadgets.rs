//! Gadget demo models, built at real sizes in metres: a smartwatch case is 4 cm, headphones
//! 20 cm, a keyboard 36 cm.

use glam::{Vec2, Vec3};

use super::furniture::open_shade;
use super::mesh::Place;
use super::model::{
    Model, Slot, BLACK_METAL, BLACK_PLASTIC, BLACK_RUBBER, BRUSHED_STEEL, DARK_GLASS, GREY_PLASTIC,
    WARM_LIGHT,
};
use super::primitives::{
    capsule, cuboid, cylinder, lathe, round_segments, rounded_box, sphere, torus,
};

/// A smart speaker, 17 cm tall: fabric-covered cylinder with a control top and light ring.
pub(crate) fn smart_speaker() -> Model {
    let mut model = Model::new("Smart speaker", 0.0, 0.95);
    let body = lathe(
        &[
            Vec2::new(0.0, 0.0),
            Vec2::new(0.046, 0.0),
            Vec2::new(0.051, 0.006),
            Vec2::new(0.052, 0.02),
            Vec2::new(0.052, 0.16),
            Vec2::new(0.049, 0.167),
            Vec2::new(0.0, 0.167),
        ],
        round_segments(),
    );
    model
        .primary(&body, Place::at(0.0, 0.0, 0.0))
        .fixed(
            BLACK_PLASTIC,
            &cylinder(0.046, 0.004),
            Place::at(0.0, 0.168, 0.0),
        )
        .fixed(
            WARM_LIGHT,
            &torus(0.038, 0.0015, 360.0),
            Place::at(0.0, 0.17, 0.0),
        );
    model
}

/// Over-ear headphones, 20 cm: arched headband, sliders, ear cups with cushions.
pub(crate) fn headphones() -> Model {
    let mut model = Model::new("Headphones", 0.0, 0.4);
    // A half torus in XZ turned upright becomes an arch in XY.
    model.primary(
        &torus(0.085, 0.008, 180.0),
        Place::at(0.0, 0.1, 0.0).rot_x(90.0),
    );
    let cup = cylinder(0.045, 0.03);
    let cushion = torus(0.03, 0.013, 360.0);
    let slider = cylinder(0.004, 1.0);
    for side in [-1.0_f32, 1.0] {
        model
            .between(
                Slot::Fixed(BRUSHED_STEEL),
                &slider,
                Vec3::new(side * 0.085, 0.1, 0.0),
                Vec3::new(side * 0.09, 0.075, 0.0),
            )
            .primary(&cup, Place::at(side * 0.095, 0.05, 0.0).rot_z(90.0))
            .fixed(
                BLACK_RUBBER,
                &cushion,
                Place::at(side * 0.075, 0.05, 0.0).rot_z(90.0),
            );
    }
    model
}

/// A smartwatch on its strap, 4 cm case: the strap is a flattened ring standing below it.
pub(crate) fn smartwatch() -> Model {
    let mut model = Model::new("Smartwatch", 0.0, 0.6);
    // The ring's tube is stretched along its local Y, which becomes world X once turned
    // upright: a 22 mm band around a 6 cm wrist.
    model
        .primary(
            &torus(0.03, 0.0022, 360.0),
            Place::at(0.0, 0.032, 0.0).rot_z(90.0).scaled(1.0, 5.0, 1.0),
        )
        .fixed(
            BRUSHED_STEEL,
            &rounded_box(Vec3::new(0.038, 0.011, 0.045), 0.008),
            Place::at(0.0, 0.066, 0.0),
        )
        .fixed(
            DARK_GLASS,
            &rounded_box(Vec3::new(0.033, 0.002, 0.039), 0.006),
            Place::at(0.0, 0.0715, 0.0),
        )
        .fixed(
            BRUSHED_STEEL,
            &cylinder(0.003, 0.004),
            Place::at(0.021, 0.066, 0.006).rot_z(90.0),
        );
    model
}

/// An aluminium phone stand, 12 cm tall: base plate, reclined back plate, front lip.
pub(crate) fn phone_stand() -> Model {
    let mut model = Model::new("Phone stand", 0.9, 0.35);
    model
        .primary(
            &rounded_box(Vec3::new(0.08, 0.008, 0.1), 0.003),
            Place::at(0.0, 0.004, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.07, 0.13, 0.007), 0.003),
            Place::at(0.0, 0.066, -0.015).rot_x(-25.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.07, 0.014, 0.008), 0.003),
            Place::at(0.0, 0.015, 0.035),
        )
        .primary(
            &rounded_box(Vec3::new(0.07, 0.006, 0.05), 0.002),
            Place::at(0.0, 0.009, 0.012),
        )
        .fixed(
            BLACK_RUBBER,
            &cuboid(Vec3::new(0.06, 0.002, 0.012)),
            Place::at(0.0, 0.013, 0.02),
        );
    model
}

/// An architect's desk lamp, 38 cm: weighted base, two arms, tilted shade with a bulb.
pub(crate) fn desk_lamp() -> Model {
    let mut model = Model::new("Desk lamp", 0.0, 0.35);
    let arm = cylinder(0.0065, 1.0);
    let joint = sphere(0.011);
    let base_joint = Vec3::new(0.0, 0.025, -0.02);
    let elbow = Vec3::new(0.0, 0.26, -0.07);
    let wrist = Vec3::new(0.0, 0.34, 0.12);
    model
        .primary(&cylinder(0.075, 0.02), Place::at(0.0, 0.01, 0.0))
        .fixed(BLACK_METAL, &joint, Place::point(base_joint))
        .fixed(BLACK_METAL, &joint, Place::point(elbow))
        .fixed(BLACK_METAL, &joint, Place::point(wrist))
        .between(Slot::Primary, &arm, base_joint, elbow)
        .between(Slot::Primary, &arm, elbow, wrist)
        // The shade's narrow end sits at the wrist and its mouth faces down and forward, onto
        // the desk: tipping +Y back by 35° puts the narrow end up and behind the mouth.
        .primary(
            &open_shade(0.055, 0.022, 0.085, 0.002),
            Place::at(0.0, 0.27, 0.169).rot_x(-35.0),
        )
        .fixed(WARM_LIGHT, &sphere(0.02), Place::at(0.0, 0.303, 0.146));
    model
}

/// A game controller, 16 cm: body, two angled grips, sticks, buttons, shoulder bumpers.
pub(crate) fn game_controller() -> Model {
    let mut model = Model::new("Game controller", 0.0, 0.45);
    model.primary(
        &rounded_box(Vec3::new(0.11, 0.03, 0.055), 0.013),
        Place::at(0.0, 0.035, 0.0),
    );
    let grip = capsule(0.019, 0.045);
    let stick = cylinder(0.008, 0.012);
    let stick_cap = cylinder(0.011, 0.003);
    let bumper = rounded_box(Vec3::new(0.03, 0.01, 0.012), 0.004);
    for side in [-1.0_f32, 1.0] {
        model
            .along(
                Slot::Primary,
                &grip,
                Vec3::new(side * 0.045, 0.027, 0.032),
                Vec3::new(side * 0.3, -0.45, 1.0),
            )
            .fixed(BLACK_PLASTIC, &bumper, Place::at(side * 0.04, 0.043, -0.03));
    }
    for (x, z) in [(-0.022, 0.012), (0.02, 0.022)] {
        model
            .fixed(BLACK_PLASTIC, &stick, Place::at(x, 0.053, z))
            .fixed(BLACK_RUBBER, &stick_cap, Place::at(x, 0.06, z));
    }
    let button = sphere(0.0045);
    for (dx, dz) in [(0.0, -0.009), (0.0, 0.009), (-0.009, 0.0), (0.009, 0.0)] {
        model.fixed(
            BLACK_PLASTIC,
            &button,
            Place::at(0.038 + dx, 0.049, -0.006 + dz),
        );
    }
    model
        .fixed(
            BLACK_PLASTIC,
            &cuboid(Vec3::new(0.022, 0.004, 0.007)),
            Place::at(-0.038, 0.051, -0.006),
        )
        .fixed(
            BLACK_PLASTIC,
            &cuboid(Vec3::new(0.007, 0.004, 0.022)),
            Place::at(-0.038, 0.051, -0.006),
        );
    model
}

/// A mirrorless camera, 12.5 cm: body, grip, viewfinder hump, lens with glass, shutter.
pub(crate) fn camera() -> Model {
    let mut model = Model::new("Camera", 0.2, 0.5);
    model
        .primary(
            &rounded_box(Vec3::new(0.125, 0.072, 0.038), 0.006),
            Place::at(0.0, 0.036, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.036, 0.02, 0.036), 0.006),
            Place::at(0.012, 0.078, -0.002),
        )
        .fixed(
            BLACK_RUBBER,
            &rounded_box(Vec3::new(0.032, 0.068, 0.022), 0.01),
            Place::at(-0.045, 0.035, 0.025),
        )
        .fixed(
            BLACK_METAL,
            &cylinder(0.03, 0.05),
            Place::at(0.012, 0.036, 0.043).rot_x(90.0),
        )
        .fixed(
            GREY_PLASTIC,
            &torus(0.03, 0.0025, 360.0),
            Place::at(0.012, 0.036, 0.055).rot_x(90.0),
        )
        .fixed(
            DARK_GLASS,
            &cylinder(0.022, 0.002),
            Place::at(0.012, 0.036, 0.068).rot_x(90.0),
        )
        .fixed(
            BRUSHED_STEEL,
            &cylinder(0.005, 0.004),
            Place::at(-0.045, 0.074, 0.018),
        );
    model
}

/// A compact keyboard, 36 × 12.5 cm: a slab with five rows of keys and a space bar.
pub(crate) fn keyboard() -> Model {
    const PITCH: f32 = 0.019;
    let mut model = Model::new("Keyboard", 0.8, 0.4);
    model.primary(
        &rounded_box(Vec3::new(0.36, 0.016, 0.125), 0.005),
        Place::at(0.0, 0.008, 0.0),
    );
    let key = cuboid(Vec3::new(0.0165, 0.007, 0.0165));
    let first_x = -7.0 * PITCH;
    for row in 0..5_u8 {
        let z = -0.038 + PITCH * f32::from(row);
        for column in 0..15_u8 {
            // The bottom row leaves columns 4..=9 to the space bar.
            if row == 4 && (4..=9).contains(&column) {
                continue;
            }
            let x = first_x + PITCH * f32::from(column);
            model.fixed(BLACK_PLASTIC, &key, Place::at(x, 0.0195, z));
        }
    }
    let space_x = first_x + PITCH * 6.5;
    model.fixed(
        BLACK_PLASTIC,
        &cuboid(Vec3::new(6.0 * PITCH - 0.0025, 0.007, 0.0165)),
        Place::at(space_x, 0.0195, -0.038 + PITCH * 4.0),
    );
    model
}
