//! A structure-aware fuzz test: valid GLBs (demo models, the same optimized with
//! `EXT_meshopt_compression`, and a few fixture models when present) mutated by byte flips,
//! truncation and JSON edits (numbers made huge, negative or fractional, keys removed or
//! duplicated) must never make `check` (validate + inspect, meshopt decoding included) or the
//! optimizer panic, and the optimizer must never hand out a file our validator refuses.
//!
//! 300 cases keep it to seconds in a debug build; set `PROPTEST_CASES` for a longer run.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{self, Format, NoResources};
use showroom_assets::optimize::{self, OptimizeError, OptimizeOptions};
use showroom_test_support::glb_container;

/// A GLB split into its JSON text and BIN chunk, for rebuilding after an edit.
struct Seed {
    bytes: Vec<u8>,
    json: String,
    bin: Vec<u8>,
}

fn split(bytes: Vec<u8>) -> Seed {
    let json_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let json = String::from_utf8(bytes[20..20 + json_len].to_vec()).unwrap();
    let bin_start = 20 + json_len + 8;
    let bin = bytes.get(bin_start..).unwrap_or_default().to_vec();
    Seed { bytes, json, bin }
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut glbs: Vec<Vec<u8>> = [DemoKind::Chair, DemoKind::Sneaker, DemoKind::Headphones]
            .into_iter()
            .map(|kind| {
                demo::generate(
                    kind,
                    &[
                        ("Red", [0.8, 0.1, 0.1, 1.0]),
                        ("Blue", [0.1, 0.1, 0.8, 1.0]),
                    ],
                )
            })
            .collect();
        // Compressed and quantized copies, so mutations reach the meshopt decoders.
        let optimized: Vec<Vec<u8>> = glbs
            .iter()
            .map(|glb| {
                optimize::optimize(glb, Format::Glb, &NoResources, &OptimizeOptions::default())
                    .unwrap()
                    .glb
            })
            .collect();
        glbs.extend(optimized);
        for model in [
            "Box/Box.glb",
            "BoxTextured/BoxTextured.glb",
            "KenneyCakeBirthday/KenneyCakeBirthday.glb",
        ] {
            if let Some(bytes) =
                showroom_test_support::read_fixture(&format!("gltf/models/{model}"))
            {
                glbs.push(bytes);
            }
        }
        glbs.into_iter().map(split).collect()
    })
}

/// Every number and every object key in the document, by JSON pointer.
fn locations(
    value: &Value,
    pointer: String,
    numbers: &mut Vec<String>,
    keys: &mut Vec<(String, String)>,
) {
    match value {
        Value::Number(_) => numbers.push(pointer),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                locations(v, format!("{pointer}/{i}"), numbers, keys);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                keys.push((pointer.clone(), k.clone()));
                locations(
                    v,
                    format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    numbers,
                    keys,
                );
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Vec<(usize, u8)>),
    Truncate(usize),
    Number(usize, f64),
    RemoveKey(usize),
    DuplicateKey(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let number = prop_oneof![
        Just(-1.0),
        Just(0.0),
        Just(0.5),
        Just(4_294_967_295.0),
        Just(9_007_199_254_740_991.0),
        Just(1e300),
        Just(-1e300),
        any::<u32>().prop_map(f64::from),
        any::<i16>().prop_map(f64::from),
    ];
    prop_oneof![
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..8).prop_map(Mutation::Flip),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), number).prop_map(|(at, n)| Mutation::Number(at, n)),
        any::<usize>().prop_map(Mutation::RemoveKey),
        any::<usize>().prop_map(Mutation::DuplicateKey),
    ]
}

fn apply(seed: &Seed, mutation: &Mutation) -> Vec<u8> {
    let mut doc: Value = serde_json::from_str(seed.json.trim_end()).unwrap();
    let (mut numbers, mut keys) = (Vec::new(), Vec::new());
    locations(&doc, String::new(), &mut numbers, &mut keys);
    match mutation {
        Mutation::Flip(flips) => {
            let mut bytes = seed.bytes.clone();
            for (at, byte) in flips {
                let len = bytes.len();
                bytes[at % len] ^= byte;
            }
            bytes
        }
        Mutation::Truncate(at) => seed.bytes[..at % seed.bytes.len()].to_vec(),
        Mutation::Number(at, n) => {
            let pointer = &numbers[at % numbers.len()];
            if let (Some(slot), Some(number)) =
                (doc.pointer_mut(pointer), serde_json::Number::from_f64(*n))
            {
                *slot = Value::Number(number);
            }
            glb_container(doc.to_string().as_bytes(), &seed.bin)
        }
        Mutation::RemoveKey(at) => {
            let (parent, key) = &keys[at % keys.len()];
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                map.remove(key);
            }
            glb_container(doc.to_string().as_bytes(), &seed.bin)
        }
        Mutation::DuplicateKey(at) => {
            // serde_json cannot hold duplicate keys, so duplicate one textually: the key first
            // appears with a different value, then with the original (last one wins).
            let (_, key) = &keys[at % keys.len()];
            let needle = format!("{}:", Value::String(key.clone()));
            let text =
                doc.to_string()
                    .replacen(&needle, &format!("{needle}[1e308,-1],{needle}"), 1);
            glb_container(text.as_bytes(), &seed.bin)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_glbs_never_panic_the_validator_or_the_inspector(seed in any::<usize>(), mutation in mutation()) {
        let seeds = seeds();
        let input = apply(&seeds[seed % seeds.len()], &mutation);
        let checked = gltf::check(&input, Format::Glb, &NoResources);
        // A mutation may leave the file valid; an unreadable one must say why.
        prop_assert!(checked.inspection.is_some() || checked.validation.has_errors());
        let as_json = gltf::check(&input, Format::Gltf, &NoResources);
        prop_assert!(as_json.validation.has_errors() || as_json.inspection.is_some());
        let optimized = optimize::optimize(&input, Format::Glb, &NoResources, &OptimizeOptions::default());
        prop_assert!(!matches!(optimized, Err(OptimizeError::Output { .. })), "{optimized:?}");
    }
}
