//! Furniture demo models, built at real sizes in metres: the seat of a chair is at 45 cm, a
//! dining table is 75 cm high, a sofa 2 m wide.

use glam::{Vec2, Vec3};

use super::mesh::Place;
use super::model::{
    Model, Slot, BLACK_METAL, BOOK_BLUE, BOOK_RED, BRASS, LINEN, OAK, WALNUT, WARM_LIGHT,
};
use super::primitives::{
    cuboid, cylinder, frustum, lathe, round_segments, rounded_box, sphere, torus,
};

/// A dining chair: upholstered seat and back on four slightly splayed oak legs.
pub(crate) fn chair() -> Model {
    let mut model = Model::new("Chair", 0.0, 0.85);
    let leg = cylinder(0.017, 1.0);
    for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
        let foot = Vec3::new(0.21 * x, 0.0, 0.21 * z);
        let top = Vec3::new(0.19 * x, 0.42, 0.19 * z);
        model.between(Slot::Fixed(OAK), &leg, foot, top);
    }
    for x in [-0.19, 0.19] {
        let post_top = Vec3::new(x, 0.88, -0.23);
        model.between(Slot::Fixed(OAK), &leg, Vec3::new(x, 0.42, -0.19), post_top);
    }
    model
        .fixed(
            OAK,
            &cuboid(Vec3::new(0.44, 0.03, 0.44)),
            Place::at(0.0, 0.425, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(0.44, 0.06, 0.44), 0.02),
            Place::at(0.0, 0.465, 0.01),
        )
        .primary(
            &rounded_box(Vec3::new(0.4, 0.26, 0.05), 0.02),
            Place::at(0.0, 0.71, -0.2).rot_x(-6.0),
        );
    model
}

/// A bar stool: round padded seat at 72 cm on four black legs with a foot ring.
pub(crate) fn bar_stool() -> Model {
    let mut model = Model::new("Bar stool", 0.0, 0.55);
    let leg = cylinder(0.012, 1.0);
    for angle in [45.0_f32, 135.0, 225.0, 315.0] {
        let (sin, cos) = angle.to_radians().sin_cos();
        let foot = Vec3::new(0.22 * cos, 0.0, 0.22 * sin);
        let top = Vec3::new(0.13 * cos, 0.68, 0.13 * sin);
        model.between(Slot::Fixed(BLACK_METAL), &leg, foot, top);
    }
    // At 25 cm the legs are 0.22 - 0.09 * 0.25 / 0.68 ≈ 0.187 m from the axis.
    model
        .fixed(
            BLACK_METAL,
            &torus(0.187, 0.008, 360.0),
            Place::at(0.0, 0.25, 0.0),
        )
        .fixed(
            BLACK_METAL,
            &cylinder(0.14, 0.02),
            Place::at(0.0, 0.68, 0.0),
        )
        .primary(&cushion_disc(0.19, 0.05), Place::at(0.0, 0.69, 0.0));
    model
}

/// A padded round seat: a disc with a rounded top edge, from y = 0 to `height`.
fn cushion_disc(radius: f32, height: f32) -> super::mesh::Mesh {
    let edge = height * 0.6;
    let mut profile = vec![Vec2::new(0.0, 0.0), Vec2::new(radius, 0.0)];
    profile.extend(
        super::primitives::arc_profile(edge, 0.0, std::f32::consts::FRAC_PI_2, height - edge, 6)
            .into_iter()
            .map(|p| Vec2::new(p.x + radius - edge, p.y)),
    );
    profile.push(Vec2::new(0.0, height));
    lathe(&profile, round_segments())
}

/// A dining table for six: 160 × 90 cm top at 75 cm on black steel legs.
pub(crate) fn dining_table() -> Model {
    let mut model = Model::new("Dining table", 0.0, 0.55);
    let leg = cuboid(Vec3::new(0.05, 0.71, 0.05));
    for (x, z) in [(-0.72, -0.37), (0.72, -0.37), (-0.72, 0.37), (0.72, 0.37)] {
        model.fixed(BLACK_METAL, &leg, Place::at(x, 0.355, z));
    }
    model
        .fixed(
            BLACK_METAL,
            &cuboid(Vec3::new(1.44, 0.06, 0.03)),
            Place::at(0.0, 0.68, -0.37),
        )
        .fixed(
            BLACK_METAL,
            &cuboid(Vec3::new(1.44, 0.06, 0.03)),
            Place::at(0.0, 0.68, 0.37),
        )
        .primary(
            &rounded_box(Vec3::new(1.6, 0.04, 0.9), 0.008),
            Place::at(0.0, 0.73, 0.0),
        );
    model
}

/// A round coffee table: 90 cm stone top at 42 cm on a brass pedestal.
pub(crate) fn coffee_table() -> Model {
    let mut model = Model::new("Coffee table", 0.0, 0.2);
    let pedestal = lathe(
        &[
            Vec2::new(0.0, 0.0),
            Vec2::new(0.24, 0.0),
            Vec2::new(0.24, 0.015),
            Vec2::new(0.07, 0.06),
            Vec2::new(0.05, 0.33),
            Vec2::new(0.12, 0.395),
            Vec2::new(0.0, 0.395),
        ],
        round_segments(),
    );
    model
        .fixed(BRASS, &pedestal, Place::at(0.0, 0.0, 0.0))
        .primary(&cylinder(0.45, 0.03), Place::at(0.0, 0.41, 0.0));
    model
}

/// A three-seat sofa, 2.46 m wide.
pub(crate) fn sofa() -> Model {
    upholstered_seating("Sofa", 3)
}

/// A single-seat armchair, 1.06 m wide.
pub(crate) fn armchair() -> Model {
    upholstered_seating("Armchair", 1)
}

/// Base, arms, back and one seat and back cushion per seat, on short walnut feet.
fn upholstered_seating(name: &'static str, seats: u16) -> Model {
    const SEAT_WIDTH: f32 = 0.7;
    const ARM_WIDTH: f32 = 0.18;
    let seats_width = SEAT_WIDTH * f32::from(seats);
    let width = seats_width + 2.0 * ARM_WIDTH;
    let half = width / 2.0;
    let mut model = Model::new(name, 0.0, 0.95);
    let foot = frustum(0.02, 0.025, 0.12);
    for (x, z) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
        model.fixed(WALNUT, &foot, Place::at(x * (half - 0.06), 0.06, z * 0.38));
    }
    model
        .primary(
            &rounded_box(Vec3::new(width, 0.22, 0.9), 0.03),
            Place::at(0.0, 0.23, 0.0),
        )
        .primary(
            &rounded_box(Vec3::new(width, 0.5, 0.18), 0.04),
            Place::at(0.0, 0.59, -0.36),
        );
    let arm = rounded_box(Vec3::new(ARM_WIDTH, 0.5, 0.9), 0.06);
    for x in [-1.0, 1.0] {
        model.primary(&arm, Place::at(x * (half - ARM_WIDTH / 2.0), 0.37, 0.0));
    }
    let seat_cushion = rounded_box(Vec3::new(SEAT_WIDTH - 0.01, 0.14, 0.66), 0.05);
    let back_cushion = rounded_box(Vec3::new(SEAT_WIDTH - 0.01, 0.42, 0.16), 0.06);
    for seat in 0..seats {
        let x = -seats_width / 2.0 + SEAT_WIDTH * (f32::from(seat) + 0.5);
        model
            .primary(&seat_cushion, Place::at(x, 0.41, 0.1))
            .primary(&back_cushion, Place::at(x, 0.6, -0.2).rot_x(-10.0));
    }
    model
}

/// A floor lamp, 1.62 m: round base, slim pole, fabric drum shade with a warm bulb inside.
pub(crate) fn floor_lamp() -> Model {
    let mut model = Model::new("Floor lamp", 0.0, 0.95);
    model
        .fixed(
            BLACK_METAL,
            &cylinder(0.15, 0.025),
            Place::at(0.0, 0.0125, 0.0),
        )
        .between(
            Slot::Fixed(BLACK_METAL),
            &cylinder(0.011, 1.0),
            Vec3::new(0.0, 0.025, 0.0),
            Vec3::new(0.0, 1.45, 0.0),
        )
        .fixed(WARM_LIGHT, &sphere(0.045), Place::at(0.0, 1.42, 0.0))
        .primary(
            &open_shade(0.2, 0.14, 0.32, 0.005),
            Place::at(0.0, 1.3, 0.0),
        );
    model
}

/// A shade open at top and bottom, with a wall of `thickness` so it is visible from inside.
pub(crate) fn open_shade(bottom: f32, top: f32, height: f32, thickness: f32) -> super::mesh::Mesh {
    // Bottom rim, outer wall up, top rim, inner wall down: a closed loop, so every surface
    // faces out of the wall.
    lathe(
        &[
            Vec2::new(bottom - thickness, 0.0),
            Vec2::new(bottom, 0.0),
            Vec2::new(top, height),
            Vec2::new(top - thickness, height),
            Vec2::new(bottom - thickness, 0.0),
        ],
        round_segments(),
    )
}

/// A bookshelf, 80 × 180 × 30 cm, five shelves, a few books.
pub(crate) fn bookshelf() -> Model {
    let mut model = Model::new("Bookshelf", 0.0, 0.6);
    let side = cuboid(Vec3::new(0.02, 1.8, 0.3));
    let shelf = cuboid(Vec3::new(0.76, 0.02, 0.29));
    model
        .primary(&side, Place::at(-0.39, 0.9, 0.0))
        .primary(&side, Place::at(0.39, 0.9, 0.0))
        .fixed(
            OAK,
            &cuboid(Vec3::new(0.76, 1.8, 0.008)),
            Place::at(0.0, 0.9, -0.146),
        );
    for level in 0..5_u8 {
        model.primary(
            &shelf,
            Place::at(0.0, 0.06 + 0.42 * f32::from(level), 0.005),
        );
    }
    let finishes = [BOOK_RED, LINEN, BOOK_BLUE, WALNUT];
    let mut x = -0.36;
    for (i, height) in [0.24_f32, 0.21, 0.26, 0.22, 0.2, 0.25, 0.23]
        .into_iter()
        .enumerate()
    {
        let book = cuboid(Vec3::new(0.035, height, 0.2));
        let finish = finishes[i % finishes.len()];
        model.fixed(finish, &book, Place::at(x, 0.49 + height / 2.0, 0.02));
        model.fixed(finish, &book, Place::at(-x, 1.33 + height / 2.0, 0.02));
        x += 0.037;
    }
    model
}
