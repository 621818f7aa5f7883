//! The Shopify product CSV columns and the parsing of single fields. Only the columns named in
//! [`COLUMNS`] are read; others (SEO, Google Shopping, metafields) are ignored, and a file may
//! leave out any column but `Handle`.

use std::sync::LazyLock;

use showroom_domain::{Currency, Description, Money};

/// The columns `export` writes, in Shopify's order; `import` reads the same names.
pub const COLUMNS: [&str; 22] = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Qty",
    "Variant Price",
    "Variant Compare At Price",
    "Image Src",
    "Image Alt Text",
    "Status",
];

/// Column positions in one file's header, by name.
#[derive(Debug, Clone)]
pub struct Header(Vec<Option<usize>>);

impl Header {
    /// Finds each known column (names compared ignoring case and surrounding space). A header
    /// without `Handle` is not a product CSV.
    pub fn parse(record: &csv::StringRecord) -> Result<Self, String> {
        let found: Vec<Option<usize>> = COLUMNS
            .iter()
            .map(|name| {
                record.iter().position(|h| {
                    h.trim()
                        .trim_start_matches('\u{feff}')
                        .eq_ignore_ascii_case(name)
                })
            })
            .collect();
        if found[0].is_none() {
            return Err("the header has no `Handle` column: is this a Shopify product CSV?".into());
        }
        Ok(Self(found))
    }

    /// The trimmed value of `column` in `record`, empty when the file has no such column.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.0[i])
            .and_then(|i| record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

/// `12.5`, `12.50` or `1,299.00` in `currency`'s minor units; more decimals than the currency has
/// are refused rather than rounded.
pub fn parse_price(raw: &str, currency: Currency) -> Result<Money, String> {
    let cleaned: String = raw.chars().filter(|c| *c != ',').collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = usize::from(currency.minor_digits());
    let bad = || format!("`{raw}` is not a price (like 12.50)");
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > digits {
        return Err(format!("`{raw}` has more decimals than {currency} has"));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let padded = format!("{fraction:0<digits$}");
    let fraction: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| bad())?
    };
    let minor = whole
        .checked_mul(10_i64.pow(u32::from(currency.minor_digits())))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)?;
    Money::price(minor, currency).map_err(|e| e.to_string())
}

/// A price in minor units written back as a decimal: `1250` EUR is `12.50`.
pub fn format_price(money: Money) -> String {
    let digits = u32::from(money.currency.minor_digits());
    if digits == 0 {
        return money.amount_minor.to_string();
    }
    let scale = 10_i64.pow(digits);
    format!(
        "{}.{:0width$}",
        money.amount_minor / scale,
        money.amount_minor % scale,
        width = digits as usize
    )
}

/// A whole number of units or grams; Shopify writes negative stock for oversold items, which
/// counts as none here. Empty is `None`.
pub fn parse_count(raw: &str, what: &str) -> Result<Option<i64>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    // Shopify writes grams as `1200.0` in some exports.
    let whole = raw.strip_suffix(".0").unwrap_or(raw);
    whole
        .parse::<i64>()
        .map(|n| Some(n.max(0)))
        .map_err(|_| format!("`{raw}` is not a whole number of {what}"))
}

static BLOCK_END: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|tr|blockquote)\s*>").expect("regex")
});

/// The body HTML as the plain text the storefront shows: sanitized by `ammonia` with no tag
/// allowed (scripts and styles dropped with their content, every other tag removed, its text
/// kept), block ends turned into line breaks, entities decoded.
pub fn body_text(html: &str) -> Result<Description, String> {
    let with_breaks = BLOCK_END.replace_all(html, "\n");
    let cleaned = ammonia::Builder::empty()
        .clean_content_tags(["script", "style"].into_iter().collect())
        .clean(&with_breaks)
        .to_string();
    let text = cleaned
        .replace("&nbsp;", " ")
        .replace("\u{a0}", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Description::parse(&lines.join("\n")).map_err(|e| e.to_string())
}

/// Plain text as body HTML: each line a paragraph, every special character escaped.
pub fn body_html(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let escaped = line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn prices_become_minor_units_and_back() {
        assert_eq!(parse_price("12.5", eur()).unwrap().amount_minor, 1250);
        assert_eq!(
            parse_price("1,299.00", eur()).unwrap().amount_minor,
            129_900
        );
        assert_eq!(parse_price("7", eur()).unwrap().amount_minor, 700);
        assert_eq!(parse_price(".99", eur()).unwrap().amount_minor, 99);
        assert!(parse_price("12.345", eur()).is_err());
        assert!(parse_price("-1", eur()).is_err());
        assert!(parse_price("abc", eur()).is_err());
        assert!(parse_price("", eur()).is_err());
        assert!(parse_price("99999999999999999999", eur()).is_err());
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(parse_price("1500", jpy).unwrap().amount_minor, 1500);
        assert!(parse_price("15.5", jpy).is_err());
        for minor in [0, 5, 99, 100, 1250, 129_900] {
            let money = Money::price(minor, eur()).unwrap();
            assert_eq!(parse_price(&format_price(money), eur()).unwrap(), money);
        }
    }

    #[test]
    fn body_html_is_sanitized_to_text_with_line_breaks() {
        let text = body_text(
            "<p>Solid <b>oak</b> &amp; ash</p><script>alert(1)</script><ul><li>Oiled</li>\
             <li onclick=\"x()\">1&lt;2</li></ul><img src=x onerror=alert(1)>",
        )
        .unwrap();
        assert_eq!(text.as_str(), "Solid oak & ash\nOiled\n1<2");
        assert_eq!(
            body_html(text.as_str()),
            "<p>Solid oak &amp; ash</p><p>Oiled</p><p>1&lt;2</p>"
        );
        assert!(body_text(&"x".repeat(20_001)).is_err());
    }

    #[test]
    fn counts_clamp_oversold_stock_and_refuse_words() {
        assert_eq!(parse_count("", "units"), Ok(None));
        assert_eq!(parse_count("-3", "units"), Ok(Some(0)));
        assert_eq!(parse_count("1200.0", "grams"), Ok(Some(1200)));
        assert!(parse_count("many", "units").is_err());
    }
}
