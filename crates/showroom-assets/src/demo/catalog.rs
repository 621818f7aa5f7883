//! The demo shop's products: one per [`DemoKind`], with a title, a short description, a
//! suggested price and the colour options its model's variants are named after.

use super::kind::{Color, DemoCategory, DemoKind};

/// One product of the demo shop and how to build its model.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoProduct {
    /// URL-safe, unique within the catalogue.
    pub slug: &'static str,
    /// Display title.
    pub title: &'static str,
    /// One sentence for the product page.
    pub description: &'static str,
    /// Which model to build.
    pub kind: DemoKind,
    /// Suggested price in minor units of US dollars (cents).
    pub price_minor: i64,
    /// Colour options; the model's material variants carry these names.
    pub colors: &'static [Color],
}

impl DemoProduct {
    /// The product's category.
    pub fn category(&self) -> DemoCategory {
        self.kind.category()
    }

    /// The product's model as GLB bytes, one variant per colour option.
    pub fn glb(&self) -> Vec<u8> {
        super::generate(self.kind, self.colors)
    }
}

/// The 24 demo products, furniture first, then gadgets, then fashion.
pub fn demo_catalog() -> Vec<DemoProduct> {
    DemoKind::ALL
        .iter()
        .map(|&kind| {
            let (slug, title, description, price_minor) = copy_for(kind);
            DemoProduct {
                slug,
                title,
                description,
                kind,
                price_minor,
                colors: kind.default_colors(),
            }
        })
        .collect()
}

/// Whole dollars as cents.
const fn dollars(amount: i64) -> i64 {
    amount * 100
}

fn copy_for(kind: DemoKind) -> (&'static str, &'static str, &'static str, i64) {
    match kind {
        DemoKind::Chair => (
            "nordic-dining-chair",
            "Nordic Dining Chair",
            "Solid oak legs and a padded seat and back in durable woven fabric.",
            dollars(189),
        ),
        DemoKind::BarStool => (
            "loft-bar-stool",
            "Loft Bar Stool",
            "A 72 cm counter stool with a padded seat and a steel foot ring.",
            dollars(149),
        ),
        DemoKind::DiningTable => (
            "harvest-dining-table",
            "Harvest Dining Table",
            "Seats six: a 160 × 90 cm top on powder-coated steel legs.",
            dollars(899),
        ),
        DemoKind::CoffeeTable => (
            "orbit-coffee-table",
            "Orbit Coffee Table",
            "A 90 cm round stone top on a brushed brass pedestal.",
            dollars(549),
        ),
        DemoKind::Sofa => (
            "haven-three-seat-sofa",
            "Haven Three-Seat Sofa",
            "Deep seats, feather-wrapped cushions and walnut feet.",
            dollars(1_899),
        ),
        DemoKind::Armchair => (
            "haven-armchair",
            "Haven Armchair",
            "The Haven sofa's comfort, sized for one.",
            dollars(799),
        ),
        DemoKind::FloorLamp => (
            "halo-floor-lamp",
            "Halo Floor Lamp",
            "A 162 cm lamp with a fabric drum shade and a warm glow.",
            dollars(229),
        ),
        DemoKind::Bookshelf => (
            "atlas-bookshelf",
            "Atlas Bookshelf",
            "Five shelves, 80 × 180 cm, room for a whole library.",
            dollars(379),
        ),
        DemoKind::SmartSpeaker => (
            "echo-smart-speaker",
            "Echo Smart Speaker",
            "Room-filling 360° sound in a fabric-wrapped cylinder.",
            dollars(129),
        ),
        DemoKind::Headphones => (
            "studio-wireless-headphones",
            "Studio Wireless Headphones",
            "Over-ear noise cancelling with 40 hours of battery.",
            dollars(299),
        ),
        DemoKind::Smartwatch => (
            "pulse-smartwatch",
            "Pulse Smartwatch",
            "Health tracking and notifications on a bright 40 mm display.",
            dollars(249),
        ),
        DemoKind::PhoneStand => (
            "tilt-phone-stand",
            "Tilt Phone Stand",
            "A machined aluminium stand for video calls and recipes.",
            dollars(39),
        ),
        DemoKind::DeskLamp => (
            "archie-desk-lamp",
            "Archie Desk Lamp",
            "A jointed architect's lamp that puts light where you work.",
            dollars(89),
        ),
        DemoKind::GameController => (
            "nova-game-controller",
            "Nova Game Controller",
            "Wireless, textured grips and low-latency sticks.",
            dollars(69),
        ),
        DemoKind::Camera => (
            "frame-mirrorless-camera",
            "Frame Mirrorless Camera",
            "A 24 MP full-frame body with a compact prime lens.",
            dollars(1_499),
        ),
        DemoKind::Keyboard => (
            "slim-wireless-keyboard",
            "Slim Wireless Keyboard",
            "Low-profile keys on an aluminium chassis.",
            dollars(99),
        ),
        DemoKind::Sneaker => (
            "runner-sneaker",
            "Runner Sneaker",
            "A cushioned everyday sneaker with a grippy rubber sole.",
            dollars(119),
        ),
        DemoKind::Handbag => (
            "classic-leather-handbag",
            "Classic Leather Handbag",
            "Structured full-grain leather with a brass clasp.",
            dollars(349),
        ),
        DemoKind::DuffelBag => (
            "weekender-duffel",
            "Weekender Duffel",
            "Waxed canvas with leather handles, sized for two nights away.",
            dollars(189),
        ),
        DemoKind::Cap => (
            "six-panel-cap",
            "Six-Panel Cap",
            "Washed cotton twill with a curved brim.",
            dollars(29),
        ),
        DemoKind::Beanie => (
            "merino-beanie",
            "Merino Beanie",
            "Soft merino knit with a fold-over cuff and a pompom.",
            dollars(35),
        ),
        DemoKind::Fedora => (
            "wool-felt-fedora",
            "Wool Felt Fedora",
            "A pinched crown and wide brim in pure wool felt.",
            dollars(129),
        ),
        DemoKind::Sunglasses => (
            "coast-sunglasses",
            "Coast Sunglasses",
            "Acetate frames with polarised UV400 lenses.",
            dollars(159),
        ),
        DemoKind::Backpack => (
            "city-daypack",
            "City Daypack",
            "A 20 litre water-resistant pack with a padded laptop sleeve.",
            dollars(139),
        ),
    }
}
