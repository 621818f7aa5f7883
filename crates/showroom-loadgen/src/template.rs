//! Request bodies and header values that differ per request (a checkout needs a fresh
//! idempotency key and its own line each time): text with placeholders, filled per request.
//!
//! - `{unique}`: a value no other request of the run gets (a run token, the connection, a count);
//! - `{pick}`: a line of the `--picks` file, drawn uniformly;
//! - `{int:A-B}`: a whole number from A to B inclusive, drawn uniformly.
//!
//! Any other `{` is text, so JSON bodies need no escaping.

use anyhow::{bail, Context};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Unique,
    Pick,
    Int(u64, u64),
}

/// Parsed text with placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct Template(Vec<Part>);

/// What one request's placeholders are filled with.
pub struct Fill<'a> {
    pub unique: &'a str,
    pub picks: &'a [String],
    /// Uniform draws in [0, 1), one per random placeholder.
    pub draw: &'a mut dyn FnMut() -> f64,
}

impl Template {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut literal = String::new();
        while let Some(at) = rest.find('{') {
            literal.push_str(&rest[..at]);
            rest = &rest[at..];
            let end = rest.find('}').map_or(rest.len(), |end| end + 1);
            let part = match &rest[..end] {
                "{unique}" => Some(Part::Unique),
                "{pick}" => Some(Part::Pick),
                other => match other
                    .strip_prefix("{int:")
                    .and_then(|r| r.strip_suffix('}'))
                {
                    Some(range) => Some(int_range(range)?),
                    None => None,
                },
            };
            match part {
                Some(part) => {
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(part);
                    rest = &rest[end..];
                }
                None => {
                    literal.push('{');
                    rest = &rest[1..];
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self(parts))
    }

    pub fn uses_picks(&self) -> bool {
        self.0.contains(&Part::Pick)
    }

    /// Appends the text with every placeholder filled.
    pub fn render(&self, out: &mut String, fill: &mut Fill<'_>) {
        for part in &self.0 {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Unique => out.push_str(fill.unique),
                Part::Pick => {
                    let at = ((fill.draw)() * fill.picks.len() as f64) as usize;
                    out.push_str(&fill.picks[at.min(fill.picks.len() - 1)]);
                }
                Part::Int(low, high) => {
                    let span = (high - low + 1) as f64;
                    let value = low + (((fill.draw)() * span) as u64).min(high - low);
                    out.push_str(&value.to_string());
                }
            }
        }
    }
}

fn int_range(range: &str) -> anyhow::Result<Part> {
    let (low, high) = range
        .split_once('-')
        .with_context(|| format!("{{int:{range}}}: write {{int:A-B}}"))?;
    let (low, high): (u64, u64) = (
        low.trim()
            .parse()
            .context("{int:A-B}: A is not a whole number")?,
        high.trim()
            .parse()
            .context("{int:A-B}: B is not a whole number")?,
    );
    if low > high {
        bail!("{{int:{range}}}: A is greater than B");
    }
    Ok(Part::Int(low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &Template, draws: &[f64]) -> String {
        let mut draws = draws.iter().copied().cycle();
        let mut draw = move || draws.next().unwrap_or(0.0);
        let picks = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let mut out = String::new();
        template.render(
            &mut out,
            &mut Fill {
                unique: "r1-7",
                picks: &picks,
                draw: &mut draw,
            },
        );
        out
    }

    #[test]
    fn placeholders_are_filled_and_other_braces_are_text() {
        let template =
            Template::parse(r#"{"key":"k-{unique}","id":"{pick}","q":{int:1-3},"x":{}}"#).unwrap();
        assert!(template.uses_picks());
        assert_eq!(
            render(&template, &[0.0, 0.0]),
            r#"{"key":"k-r1-7","id":"a","q":1,"x":{}}"#
        );
        assert_eq!(
            render(&template, &[0.99, 0.99]),
            r#"{"key":"k-r1-7","id":"c","q":3,"x":{}}"#
        );
        assert_eq!(render(&Template::parse("{").unwrap(), &[]), "{");
    }

    #[test]
    fn a_bad_range_is_refused() {
        assert!(Template::parse("{int:3-1}").is_err());
        assert!(Template::parse("{int:x-1}").is_err());
        assert!(Template::parse("{int:5}").is_err());
    }
}
