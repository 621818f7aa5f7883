//! `showroom assets validate|inspect FILE [--json]`: check or measure one glTF model from the
//! command line, with no database, cache or storage (nothing is configured or connected).
//! `showroom assets render FILE -o DIR` draws its posters (see [`render`]).
//! `showroom assets optimize FILE -o OUT.glb [--plain OUT.glb]` writes the delivery GLB (and the
//! plain one for Android Scene Viewer), see [`optimize`].
//! `showroom assets compare FILE OTHER` prints the SSIM of their default posters (256 px, over
//! white), e.g. an original against its optimized GLB.
//!
//! FILE is a `.glb`, or a `.gltf` whose buffers and images are read from its directory.
//! Exit status: `0` when the command ran and found no error (for `inspect`: when a report could
//! be made, even for a file with errors, which it counts); `1` when `validate` finds an error,
//! `inspect` cannot read the document at all, `render` cannot draw it (a validation error, no
//! triangles) or write a poster, or `optimize` refuses it or cannot write an output; `2` when FILE cannot be read (missing,
//! unreadable, a directory, too large), with one `error:` line on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;
use showroom_assets::gltf::{AssetFile, Format, Inspection, Problem, Validation};
use showroom_assets::optimize::{self as optimizer, OptimizeOptions};
use showroom_assets::pipeline::{self, Look};
use showroom_assets::render::{self as poster, Background, PosterFormat, RenderOptions};
use showroom_assets::scene;

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// Import models into the shop: store, process (with progress) and optionally attach them
    /// to a product. Uses the database and object storage of the configuration.
    Import(crate::assets_import::ImportArgs),
    /// Check a model against glTF 2.0 (and what the pipeline can decode); exit 1 on any error.
    Validate {
        /// A .glb, or a .gltf beside its .bin and images.
        file: PathBuf,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Report triangles, materials, textures, variants and real-world dimensions.
    Inspect {
        /// A .glb, or a .gltf beside its .bin and images.
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw product posters: the default look and one per material variant, for each size and
    /// format, named `poster-<look>-<size>.<ext>` (`default`, or the variant's name in lowercase
    /// letters, digits and `-`, as the pipeline names them), and `posters.json`: the looks and
    /// the camera they are taken from, in `<model-viewer>`'s units.
    Render {
        /// A .glb, or a .gltf beside its .bin and images.
        file: PathBuf,
        /// Directory to write the posters to (created if missing).
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// Poster sizes in pixels: 256, 512 and/or 1024, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "512", value_parser = parse_size)]
        size: Vec<u32>,
        /// `transparent` or `white`.
        #[arg(long, default_value = "transparent", value_parser = parse_background)]
        background: Background,
        /// `png` and/or `webp` (lossless), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "png", value_parser = parse_format)]
        format: Vec<PosterFormat>,
    },
    /// Optimize a model for delivery: welded, reordered, quantized and meshopt-compressed, with
    /// textures capped; optionally also the plain GLB (no EXT_* extensions) for Scene Viewer.
    Optimize {
        /// A .glb, or a .gltf beside its .bin and images.
        file: PathBuf,
        /// Where to write the delivery GLB.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// Where to write the plain GLB.
        #[arg(long)]
        plain: Option<PathBuf>,
        /// Longest texture side in pixels.
        #[arg(long, default_value_t = 2048)]
        max_texture_px: u32,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print `ssim <value>`: how alike the default posters of two models are (1 = identical).
    Compare {
        /// A .glb, or a .gltf beside its .bin and images.
        file: PathBuf,
        /// The model to compare it with (e.g. its optimized GLB).
        other: PathBuf,
    },
}

fn parse_size(text: &str) -> Result<u32, String> {
    match text.trim() {
        "256" => Ok(256),
        "512" => Ok(512),
        "1024" => Ok(1024),
        other => Err(format!("`{other}` is not one of 256, 512, 1024")),
    }
}

fn parse_background(text: &str) -> Result<Background, String> {
    match text.trim() {
        "transparent" => Ok(Background::Transparent),
        "white" => Ok(Background::White),
        other => Err(format!("`{other}` is not `transparent` or `white`")),
    }
}

fn parse_format(text: &str) -> Result<PosterFormat, String> {
    PosterFormat::parse(text.trim()).ok_or_else(|| format!("`{text}` is not `png` or `webp`"))
}

/// Runs one `assets` subcommand, printing to stdout (and `error:` lines to stderr).
pub fn run(command: &AssetsCommand) -> ExitCode {
    let (file, json) = match command {
        AssetsCommand::Validate { file, json } | AssetsCommand::Inspect { file, json } => {
            (file, *json)
        }
        AssetsCommand::Render { file, .. } => (file, false),
        AssetsCommand::Import(_) => {
            eprintln!("error: `assets import` needs the configuration; run it through `showroom`");
            return ExitCode::from(2);
        }
        AssetsCommand::Optimize { file, json, .. } => (file, *json),
        AssetsCommand::Compare { file, .. } => (file, false),
    };
    let asset = match AssetFile::open(file) {
        Ok(asset) => asset,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    match command {
        AssetsCommand::Validate { .. } => validate(&asset, json),
        AssetsCommand::Inspect { .. } => inspect(&asset, json),
        AssetsCommand::Render {
            out,
            size,
            background,
            format,
            ..
        } => render(&asset, out, size, *background, format),
        AssetsCommand::Optimize {
            out,
            plain,
            max_texture_px,
            ..
        } => optimize(&asset, out, plain.as_deref(), *max_texture_px, json),
        AssetsCommand::Compare { other, .. } => compare(&asset, other),
        AssetsCommand::Import(_) => unreachable!("refused above"),
    }
}

/// `compare`: the SSIM of both models' default posters, 256 px over white.
fn compare(asset: &AssetFile, other: &Path) -> ExitCode {
    let other = match AssetFile::open(other) {
        Ok(other) => other,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", other.display());
            return ExitCode::from(2);
        }
    };
    let options = RenderOptions {
        size: 256,
        background: Background::White,
        variant: None,
    };
    let mut posters = Vec::new();
    for file in [asset, &other] {
        match scene::decode_file(file) {
            Ok(scene) => posters.push(poster::render(&scene, &options)),
            Err(e) => {
                eprintln!("error: {}: {e}", file.path.display());
                return ExitCode::from(1);
            }
        }
    }
    match poster::compare::ssim(&posters[0], &posters[1]) {
        Some(value) => {
            println!("ssim {value:.4}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: the posters cannot be compared");
            ExitCode::from(1)
        }
    }
}

/// `optimize`: writes the outputs, then prints the report (one summary line, or JSON).
fn optimize(
    asset: &AssetFile,
    out: &Path,
    plain: Option<&Path>,
    max_texture_px: u32,
    json: bool,
) -> ExitCode {
    let options = OptimizeOptions {
        max_texture_px,
        ..OptimizeOptions::default()
    };
    let optimized =
        match optimizer::optimize(&asset.bytes, asset.format, asset.resolver(), &options) {
            Ok(optimized) => optimized,
            Err(e) => {
                eprintln!("error: {} cannot be optimized: {e}", asset.path.display());
                return ExitCode::FAILURE;
            }
        };
    let outputs =
        std::iter::once((out, &optimized.glb)).chain(plain.map(|p| (p, &optimized.plain_glb)));
    for (path, bytes) in outputs {
        if let Err(e) = std::fs::write(path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let report = &optimized.report;
    if json {
        print_json(report);
        return ExitCode::SUCCESS;
    }
    for line in report.repairs.iter().chain(&report.warnings) {
        println!("note: {line}");
    }
    println!(
        "optimized {}: {} -> {} bytes (plain {}), {} triangles, {} -> {} vertices, {} textures resized, {} dropped, in {} ms",
        asset.path.display(),
        report.bytes_in,
        report.bytes_out,
        report.plain_bytes_out,
        report.triangles_after,
        report.vertices_before,
        report.vertices_after,
        report.textures_resized,
        report.textures_dropped,
        report.time_ms
    );
    ExitCode::SUCCESS
}

/// `render`: decodes once, then draws every (look, size) and encodes it in every format.
/// Prints one line per file written, with the times the poster took to draw and to encode.
fn render(
    asset: &AssetFile,
    out: &Path,
    sizes: &[u32],
    background: Background,
    formats: &[PosterFormat],
) -> ExitCode {
    let started = std::time::Instant::now();
    let scene = match scene::decode_file(asset) {
        Ok(scene) => scene,
        Err(e) => {
            eprintln!("error: {} cannot be rendered: {e}", asset.path.display());
            return ExitCode::FAILURE;
        }
    };
    let decoded_ms = started.elapsed().as_secs_f64() * 1000.0;
    for warning in &scene.warnings {
        println!("warning: {warning}");
    }
    println!(
        "decoded {} ({} triangles) in {decoded_ms:.0} ms",
        asset.path.display(),
        scene.triangle_count()
    );
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let looks = pipeline::looks(&scene);
    // The looks and the camera every poster is taken from, in <model-viewer>'s units.
    let listing = serde_json::json!({ "looks": looks, "camera": poster::poster_camera(&scene) });
    let path = out.join("posters.json");
    let json = serde_json::to_vec_pretty(&listing).expect("plain data serializes");
    if let Err(e) = std::fs::write(&path, json) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    for Look { variant, label, .. } in looks {
        for &size in sizes {
            let started = std::time::Instant::now();
            let options = RenderOptions {
                size,
                background,
                variant,
            };
            let image = poster::render(&scene, &options);
            let drawn_ms = started.elapsed().as_secs_f64() * 1000.0;
            for &format in formats {
                let started = std::time::Instant::now();
                let path = out.join(format!("poster-{label}-{size}.{}", format.extension()));
                let written = poster::encode(&image, format)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| std::fs::write(&path, bytes).map_err(|e| e.to_string()));
                if let Err(e) = written {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
                let encoded_ms = started.elapsed().as_secs_f64() * 1000.0;
                println!(
                    "wrote {} (drawn in {drawn_ms:.0} ms, encoded in {encoded_ms:.0} ms)",
                    path.display()
                );
            }
        }
    }
    ExitCode::SUCCESS
}

#[derive(Serialize)]
struct ValidationJson<'a> {
    file: &'a Path,
    format: Format,
    valid: bool,
    #[serde(flatten)]
    validation: &'a Validation,
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot serialize the report: {e}"),
    }
}

fn problem_line(problem: &Problem) -> String {
    let pointer = if problem.pointer.is_empty() {
        "(file)"
    } else {
        &problem.pointer
    };
    format!(
        "{} {} {pointer}: {}",
        problem.severity.as_str(),
        problem.code,
        problem.message
    )
}

fn print_problems(asset: &AssetFile, validation: &Validation) {
    for problem in &validation.problems {
        println!("{}", problem_line(problem));
    }
    if validation.truncated {
        println!("… more problems were found than are listed");
    }
    println!(
        "{}: {} errors, {} warnings, {} infos",
        asset.path.display(),
        validation.errors,
        validation.warnings,
        validation.infos
    );
}

fn validate(asset: &AssetFile, json: bool) -> ExitCode {
    let validation = asset.validate();
    if json {
        print_json(&ValidationJson {
            file: &asset.path,
            format: asset.format,
            valid: !validation.has_errors(),
            validation: &validation,
        });
    } else {
        print_problems(asset, &validation);
    }
    if validation.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn inspect(asset: &AssetFile, json: bool) -> ExitCode {
    match asset.inspect() {
        Ok(report) if json => {
            print_json(&report);
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print_report(asset, &report);
            ExitCode::SUCCESS
        }
        Err(validation) => {
            if json {
                print_json(&ValidationJson {
                    file: &asset.path,
                    format: asset.format,
                    valid: false,
                    validation: &validation,
                });
            } else {
                print_problems(asset, &validation);
            }
            eprintln!(
                "error: {} cannot be inspected: it is not a readable glTF document",
                asset.path.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn triple(v: [f64; 3], decimals: usize) -> String {
    format!(
        "{:.decimals$} × {:.decimals$} × {:.decimals$}",
        v[0], v[1], v[2]
    )
}

fn print_report(asset: &AssetFile, report: &Inspection) {
    let format = match report.format {
        Format::Glb => "glb",
        Format::Gltf => "gltf",
    };
    println!(
        "file        {} ({format}, {} bytes with resources)",
        asset.path.display(),
        report.file_bytes
    );
    println!("triangles   {}", report.triangles);
    println!("vertices    {}", report.vertices);
    println!("draw calls  {}", report.draw_calls);
    println!("materials   {}", report.materials);
    let textures: Vec<String> = report
        .textures
        .iter()
        .map(|t| {
            let format = t.format.map_or("unknown", |f| f.mime_type());
            match (t.width, t.height) {
                (Some(w), Some(h)) => format!("{format} {w}×{h}"),
                _ => format.to_owned(),
            }
        })
        .collect();
    println!(
        "textures    {}{}",
        report.textures.len(),
        if textures.is_empty() {
            String::new()
        } else {
            format!(": {}", textures.join(", "))
        }
    );
    println!(
        "extensions  used [{}], required [{}]",
        report.extensions_used.join(", "),
        report.extensions_required.join(", ")
    );
    println!("variants    [{}]", report.variants.join(", "));
    println!(
        "dimensions  {} m  ({} cm, {} in)",
        triple(report.dimensions_m, 3),
        triple(report.dimensions_cm, 1),
        triple(report.dimensions_in, 2)
    );
    println!(
        "errors      {} (run `showroom assets validate` for the list)",
        report.errors
    );
    for warning in &report.warnings {
        println!("{}", problem_line(warning));
    }
}
