//! `showroom assets validate|inspect FILE [--json]`: check or measure one glTF model from the
//! command line, with no database, cache or storage (nothing is configured or connected).
//!
//! FILE is a `.glb`, or a `.gltf` whose buffers and images are read from its directory.
//! Exit status: `0` when the command ran and found no error (for `inspect`: when a report could
//! be made, even for a file with errors, which it counts); `1` when `validate` finds an error or
//! `inspect` cannot read the document at all; `2` when FILE cannot be read (missing,
//! unreadable, a directory, too large), with one `error:` line on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;
use showroom_assets::gltf::{AssetFile, Format, Inspection, Problem, Validation};

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
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
}

/// Runs one `assets` subcommand, printing to stdout (and `error:` lines to stderr).
pub fn run(command: &AssetsCommand) -> ExitCode {
    let (file, json) = match command {
        AssetsCommand::Validate { file, json } | AssetsCommand::Inspect { file, json } => {
            (file, *json)
        }
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
    }
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
