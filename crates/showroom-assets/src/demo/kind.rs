//! The kinds of demo model, their shop category and their default colour options.

use super::model::Model;
use super::{fashion, furniture, gadgets};

/// Which part of the shop a demo model belongs to; it bounds the model's plausible size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoCategory {
    /// Chairs, tables, sofas, lamps, shelves: 0.3 m to 2.5 m.
    Furniture,
    /// Speakers, headphones, watches, controllers: 2 cm to 50 cm.
    Gadgets,
    /// Shoes, bags, hats, glasses: 5 cm to 60 cm.
    Fashion,
}

impl DemoCategory {
    /// The category's slug, e.g. `furniture`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Furniture => "furniture",
            Self::Gadgets => "gadgets",
            Self::Fashion => "fashion",
        }
    }

    /// Plausible range of a product's largest dimension, in metres.
    pub fn size_range_m(self) -> std::ops::RangeInclusive<f32> {
        match self {
            Self::Furniture => 0.3..=2.5,
            Self::Gadgets => 0.02..=0.5,
            Self::Fashion => 0.05..=0.6,
        }
    }
}

/// A named colour option: name and linear RGBA in 0..=1.
pub type Color = (&'static str, [f32; 4]);

/// A parametric demo model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoKind {
    /// A chair.
    Chair,
    /// A bar stool.
    BarStool,
    /// A dining table.
    DiningTable,
    /// A coffee table.
    CoffeeTable,
    /// A sofa.
    Sofa,
    /// A armchair.
    Armchair,
    /// A floor lamp.
    FloorLamp,
    /// A bookshelf.
    Bookshelf,
    /// A smart speaker.
    SmartSpeaker,
    /// A headphones.
    Headphones,
    /// A smartwatch.
    Smartwatch,
    /// A phone stand.
    PhoneStand,
    /// A desk lamp.
    DeskLamp,
    /// A game controller.
    GameController,
    /// A camera.
    Camera,
    /// A keyboard.
    Keyboard,
    /// A sneaker.
    Sneaker,
    /// A handbag.
    Handbag,
    /// A duffel bag.
    DuffelBag,
    /// A cap.
    Cap,
    /// A beanie.
    Beanie,
    /// A fedora.
    Fedora,
    /// A sunglasses.
    Sunglasses,
    /// A backpack.
    Backpack,
}

/// Everything known about one kind; `KINDS[kind as usize]` describes `kind`.
struct KindInfo {
    kind: DemoKind,
    slug: &'static str,
    category: DemoCategory,
    build: fn() -> Model,
    colors: &'static [Color],
}

const fn rgb(name: &'static str, r: f32, g: f32, b: f32) -> Color {
    (name, [r, g, b, 1.0])
}

const KINDS: [KindInfo; 24] = [
    KindInfo {
        kind: DemoKind::Chair,
        slug: "chair",
        category: DemoCategory::Furniture,
        build: furniture::chair,
        colors: &[
            rgb("Sage", 0.42, 0.52, 0.4),
            rgb("Terracotta", 0.7, 0.33, 0.22),
            rgb("Charcoal", 0.12, 0.12, 0.13),
        ],
    },
    KindInfo {
        kind: DemoKind::BarStool,
        slug: "bar-stool",
        category: DemoCategory::Furniture,
        build: furniture::bar_stool,
        colors: &[
            rgb("Cognac", 0.55, 0.3, 0.14),
            rgb("Black", 0.04, 0.04, 0.04),
        ],
    },
    KindInfo {
        kind: DemoKind::DiningTable,
        slug: "dining-table",
        category: DemoCategory::Furniture,
        build: furniture::dining_table,
        colors: &[
            rgb("Natural Oak", 0.66, 0.49, 0.31),
            rgb("Smoked Oak", 0.3, 0.21, 0.14),
            rgb("White", 0.9, 0.9, 0.88),
        ],
    },
    KindInfo {
        kind: DemoKind::CoffeeTable,
        slug: "coffee-table",
        category: DemoCategory::Furniture,
        build: furniture::coffee_table,
        colors: &[
            rgb("White Marble", 0.9, 0.9, 0.88),
            rgb("Green Marble", 0.16, 0.3, 0.24),
        ],
    },
    KindInfo {
        kind: DemoKind::Sofa,
        slug: "sofa",
        category: DemoCategory::Furniture,
        build: furniture::sofa,
        colors: &[
            rgb("Oatmeal", 0.76, 0.7, 0.6),
            rgb("Navy", 0.1, 0.14, 0.3),
            rgb("Forest", 0.13, 0.28, 0.18),
        ],
    },
    KindInfo {
        kind: DemoKind::Armchair,
        slug: "armchair",
        category: DemoCategory::Furniture,
        build: furniture::armchair,
        colors: &[
            rgb("Mustard", 0.8, 0.58, 0.13),
            rgb("Dusty Pink", 0.78, 0.56, 0.55),
            rgb("Slate", 0.3, 0.34, 0.38),
        ],
    },
    KindInfo {
        kind: DemoKind::FloorLamp,
        slug: "floor-lamp",
        category: DemoCategory::Furniture,
        build: furniture::floor_lamp,
        colors: &[
            rgb("Linen", 0.88, 0.84, 0.76),
            rgb("Black", 0.05, 0.05, 0.05),
        ],
    },
    KindInfo {
        kind: DemoKind::Bookshelf,
        slug: "bookshelf",
        category: DemoCategory::Furniture,
        build: furniture::bookshelf,
        colors: &[
            rgb("Oak", 0.66, 0.49, 0.31),
            rgb("White", 0.92, 0.92, 0.9),
            rgb("Black", 0.06, 0.06, 0.06),
        ],
    },
    KindInfo {
        kind: DemoKind::SmartSpeaker,
        slug: "smart-speaker",
        category: DemoCategory::Gadgets,
        build: gadgets::smart_speaker,
        colors: &[
            rgb("Chalk", 0.86, 0.85, 0.82),
            rgb("Charcoal", 0.15, 0.15, 0.16),
            rgb("Sky", 0.5, 0.65, 0.8),
        ],
    },
    KindInfo {
        kind: DemoKind::Headphones,
        slug: "headphones",
        category: DemoCategory::Gadgets,
        build: gadgets::headphones,
        colors: &[
            rgb("Midnight", 0.05, 0.06, 0.09),
            rgb("Silver", 0.75, 0.75, 0.77),
            rgb("Sand", 0.78, 0.7, 0.58),
        ],
    },
    KindInfo {
        kind: DemoKind::Smartwatch,
        slug: "smartwatch",
        category: DemoCategory::Gadgets,
        build: gadgets::smartwatch,
        colors: &[
            rgb("Black", 0.04, 0.04, 0.04),
            rgb("Sport Orange", 0.95, 0.4, 0.1),
            rgb("Mint", 0.6, 0.85, 0.72),
        ],
    },
    KindInfo {
        kind: DemoKind::PhoneStand,
        slug: "phone-stand",
        category: DemoCategory::Gadgets,
        build: gadgets::phone_stand,
        colors: &[
            rgb("Silver", 0.8, 0.8, 0.82),
            rgb("Space Grey", 0.3, 0.3, 0.32),
        ],
    },
    KindInfo {
        kind: DemoKind::DeskLamp,
        slug: "desk-lamp",
        category: DemoCategory::Gadgets,
        build: gadgets::desk_lamp,
        colors: &[
            rgb("White", 0.92, 0.92, 0.9),
            rgb("Red", 0.7, 0.08, 0.06),
            rgb("Black", 0.05, 0.05, 0.05),
        ],
    },
    KindInfo {
        kind: DemoKind::GameController,
        slug: "game-controller",
        category: DemoCategory::Gadgets,
        build: gadgets::game_controller,
        colors: &[
            rgb("Carbon", 0.08, 0.08, 0.09),
            rgb("Robot White", 0.9, 0.9, 0.9),
            rgb("Pulse Red", 0.75, 0.08, 0.1),
        ],
    },
    KindInfo {
        kind: DemoKind::Camera,
        slug: "camera",
        category: DemoCategory::Gadgets,
        build: gadgets::camera,
        colors: &[
            rgb("Black", 0.05, 0.05, 0.05),
            rgb("Silver", 0.75, 0.75, 0.77),
        ],
    },
    KindInfo {
        kind: DemoKind::Keyboard,
        slug: "keyboard",
        category: DemoCategory::Gadgets,
        build: gadgets::keyboard,
        colors: &[
            rgb("Aluminium", 0.78, 0.78, 0.8),
            rgb("Graphite", 0.2, 0.2, 0.22),
        ],
    },
    KindInfo {
        kind: DemoKind::Sneaker,
        slug: "sneaker",
        category: DemoCategory::Fashion,
        build: fashion::sneaker,
        colors: &[
            rgb("Cloud White", 0.92, 0.92, 0.9),
            rgb("Core Black", 0.05, 0.05, 0.05),
            rgb("Royal Blue", 0.1, 0.2, 0.65),
        ],
    },
    KindInfo {
        kind: DemoKind::Handbag,
        slug: "handbag",
        category: DemoCategory::Fashion,
        build: fashion::handbag,
        colors: &[
            rgb("Tan", 0.6, 0.4, 0.24),
            rgb("Black", 0.04, 0.04, 0.04),
            rgb("Bordeaux", 0.4, 0.06, 0.1),
        ],
    },
    KindInfo {
        kind: DemoKind::DuffelBag,
        slug: "duffel-bag",
        category: DemoCategory::Fashion,
        build: fashion::duffel_bag,
        colors: &[rgb("Olive", 0.33, 0.36, 0.2), rgb("Navy", 0.1, 0.14, 0.3)],
    },
    KindInfo {
        kind: DemoKind::Cap,
        slug: "cap",
        category: DemoCategory::Fashion,
        build: fashion::cap,
        colors: &[
            rgb("Navy", 0.1, 0.14, 0.3),
            rgb("Red", 0.7, 0.1, 0.1),
            rgb("Stone", 0.75, 0.72, 0.65),
        ],
    },
    KindInfo {
        kind: DemoKind::Beanie,
        slug: "beanie",
        category: DemoCategory::Fashion,
        build: fashion::beanie,
        colors: &[
            rgb("Mustard", 0.8, 0.58, 0.13),
            rgb("Heather Grey", 0.55, 0.55, 0.56),
            rgb("Forest", 0.13, 0.28, 0.18),
        ],
    },
    KindInfo {
        kind: DemoKind::Fedora,
        slug: "fedora",
        category: DemoCategory::Fashion,
        build: fashion::fedora,
        colors: &[
            rgb("Camel", 0.66, 0.5, 0.33),
            rgb("Charcoal", 0.15, 0.15, 0.16),
        ],
    },
    KindInfo {
        kind: DemoKind::Sunglasses,
        slug: "sunglasses",
        category: DemoCategory::Fashion,
        build: fashion::sunglasses,
        colors: &[
            rgb("Tortoise", 0.35, 0.2, 0.08),
            rgb("Black", 0.03, 0.03, 0.03),
            rgb("Crystal Pink", 0.85, 0.6, 0.62),
        ],
    },
    KindInfo {
        kind: DemoKind::Backpack,
        slug: "backpack",
        category: DemoCategory::Fashion,
        build: fashion::backpack,
        colors: &[
            rgb("Black", 0.05, 0.05, 0.05),
            rgb("Sand", 0.78, 0.7, 0.58),
            rgb("Cobalt", 0.1, 0.25, 0.6),
        ],
    },
];

impl DemoKind {
    /// Every kind, in catalogue order.
    pub const ALL: [DemoKind; 24] = {
        let mut all = [DemoKind::Chair; 24];
        let mut i = 0;
        while i < KINDS.len() {
            all[i] = KINDS[i].kind;
            i += 1;
        }
        all
    };

    fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// A stable, URL-safe name, e.g. `dining-table`.
    pub fn slug(self) -> &'static str {
        self.info().slug
    }

    /// The shop category.
    pub fn category(self) -> DemoCategory {
        self.info().category
    }

    /// The colour options used when none are given.
    pub fn default_colors(self) -> &'static [Color] {
        self.info().colors
    }

    /// The kind whose [`slug`](Self::slug) this is.
    pub fn from_slug(slug: &str) -> Option<Self> {
        KINDS
            .iter()
            .find(|info| info.slug == slug)
            .map(|info| info.kind)
    }

    pub(crate) fn build(self) -> Model {
        (self.info().build)()
    }
}

impl std::fmt::Display for DemoKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order_so_indexing_by_discriminant_is_right() {
        for (i, info) in KINDS.iter().enumerate() {
            assert_eq!(info.kind as usize, i, "{}", info.slug);
            assert_eq!(DemoKind::from_slug(info.slug), Some(info.kind));
        }
    }
}
