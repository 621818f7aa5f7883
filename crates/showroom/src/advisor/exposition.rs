//! A reader for the Prometheus text exposition format (what `/metrics` answers): one sample per
//! line, `name{label="value",…} number`, with `#` comments. It keeps what the advisor needs and
//! refuses malformed lines with their line number rather than guessing.

use std::collections::BTreeMap;

/// One sample: a metric name, its labels and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Every sample of `text`; the error names the first bad line.
pub fn parse(text: &str) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sample = parse_line(line)
            .ok_or_else(|| format!("line {}: not a sample: `{line}`", index + 1))?;
        samples.push(sample);
    }
    Ok(samples)
}

fn parse_line(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = &line[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return None;
    }
    let (labels, rest) = if line[name_end..].starts_with('{') {
        parse_labels(&line[name_end + 1..])?
    } else {
        (BTreeMap::new(), &line[name_end..])
    };
    // A timestamp may follow the value; the advisor times snapshots itself.
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().ok()?,
    };
    Some(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// Labels up to the closing `}`, and what follows it.
fn parse_labels(mut rest: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let mut labels = BTreeMap::new();
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Some((labels, after));
        }
        let (key, after_key) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after_key.char_indices();
        let end = loop {
            match chars.next()? {
                (i, '"') => break i,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (_, c) => value.push(c),
            }
        };
        labels.insert(key.trim().to_owned(), value);
        rest = &after_key[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_with_and_without_labels_are_read() {
        let text = "# TYPE x counter\nx_total 3\nreq{route=\"/a/{slug}\",status=\"200\"} 12.5\n\n";
        let samples = parse(text).unwrap();
        assert_eq!(samples.len(), 2);
        assert_eq!(samples[0].name, "x_total");
        assert_eq!(samples[0].value, 3.0);
        assert_eq!(samples[1].label("route"), "/a/{slug}");
        assert_eq!(samples[1].label("status"), "200");
        assert_eq!(samples[1].value, 12.5);
    }

    #[test]
    fn escaped_quotes_and_infinite_bounds_are_understood() {
        let text = "h_bucket{le=\"+Inf\",q=\"say \\\"hi\\\"\"} 7 1700000000000";
        let sample = &parse(text).unwrap()[0];
        assert_eq!(sample.label("le"), "+Inf");
        assert_eq!(sample.label("q"), "say \"hi\"");
        assert_eq!(sample.value, 7.0);
    }

    #[test]
    fn a_malformed_line_is_refused_with_its_number() {
        let error = parse("ok 1\nbroken{route=\"x\" 1\n").unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
        assert!(parse("no_value\n").is_err());
        assert!(parse("n{a=\"1\"} NaNx\n").is_err());
    }
}
