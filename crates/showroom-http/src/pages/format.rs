//! How pages write money, sizes and stock for people: `$1,249.00`, `120 × 85 × 90 cm`,
//! `47.2 × 33.5 × 35.4 in`. Pure functions; the templates only place their results.

use showroom_domain::Money;

/// `$1,249.00`, `€12.50`, `£3.00`, `¥1,200`; other currencies as `1,249.00 CHF`.
pub fn money(money: Money) -> String {
    let digits = u32::from(money.currency.minor_digits());
    let abs = money.amount_minor.unsigned_abs();
    let scale = 10u64.pow(digits);
    let whole = group_thousands(abs / scale);
    let number = if digits == 0 {
        whole
    } else {
        format!("{whole}.{:0width$}", abs % scale, width = digits as usize)
    };
    let sign = if money.amount_minor < 0 { "−" } else { "" };
    match money.currency.code() {
        "USD" => format!("{sign}${number}"),
        "EUR" => format!("{sign}€{number}"),
        "GBP" => format!("{sign}£{number}"),
        "JPY" => format!("{sign}¥{number}"),
        code => format!("{sign}{number} {code}"),
    }
}

/// The amount as a plain decimal, for structured data (`1249.00`).
pub fn decimal(money: Money) -> String {
    let digits = u32::from(money.currency.minor_digits());
    let abs = money.amount_minor.unsigned_abs();
    let sign = if money.amount_minor < 0 { "-" } else { "" };
    if digits == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(digits);
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

fn group_thousands(value: u64) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Width × height × depth in centimetres and in inches, for a box in metres.
pub fn dimensions(metres: [f64; 3]) -> (String, String) {
    let [w, h, d] = metres;
    let cm = |m: f64| {
        let v = m * 100.0;
        if v >= 10.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let inch = |m: f64| format!("{:.1}", m / 0.0254);
    (
        format!("{} × {} × {} cm", cm(w), cm(h), cm(d)),
        format!("{} × {} × {} in", inch(w), inch(h), inch(d)),
    )
}

/// A plain sentence about the size a shopper can picture: whether it passes a standard interior
/// door (80 × 200 cm), or how it compares with a hand.
pub fn size_hint(metres: [f64; 3]) -> String {
    let [w, h, d] = metres;
    let mut sides = [w, h, d];
    sides.sort_by(f64::total_cmp);
    let (smallest, middle, largest) = (sides[0], sides[1], sides[2]);
    if largest < 0.25 {
        return "Small enough to hold in one hand.".into();
    }
    if largest < 0.8 {
        return "Fits on a shelf or a desk.".into();
    }
    if smallest <= 0.78 && middle <= 1.98 {
        "Fits through a standard 80 × 200 cm door.".into()
    } else {
        "Check your doorways: its smallest side is wider than a standard 80 cm door.".into()
    }
}

/// Stock in words, as the page shows it.
pub fn stock(available: i64) -> (&'static str, &'static str) {
    match available {
        i64::MIN..=0 => ("Sold out", "sold-out"),
        1..=5 => ("Only a few left", "low"),
        _ => ("In stock", "in-stock"),
    }
}

/// `4 Dec 2026` for Unix milliseconds (UTC); empty for an impossible instant.
pub fn date(unix_ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| {
            let month = MONTHS[usize::from(u8::from(t.month())) - 1];
            format!("{} {month} {}", t.day(), t.year())
        })
        .unwrap_or_default()
}

/// When a shopper may try again after `secs`, in words: "in 40 seconds", "in 15 minutes (at
/// 14:05 UTC)".
pub fn retry_after(secs: u64, now_unix_ms: i64) -> String {
    if secs < 60 {
        return format!("in {secs} second{}", if secs == 1 { "" } else { "s" });
    }
    let minutes = secs.div_ceil(60);
    let at = i128::from(now_unix_ms) * 1_000_000 + i128::from(secs) * 1_000_000_000;
    let clock = time::OffsetDateTime::from_unix_timestamp_nanos(at)
        .map(|t| format!(" (at {:02}:{:02} UTC)", t.hour(), t.minute()))
        .unwrap_or_default();
    format!(
        "in {minutes} minute{}{clock}",
        if minutes == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use showroom_domain::Currency;

    #[test]
    fn money_reads_like_a_price_tag() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(money(Money::new(124_900, usd).unwrap()), "$1,249.00");
        assert_eq!(money(Money::new(5, usd).unwrap()), "$0.05");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(money(Money::new(1_234_567, chf).unwrap()), "12,345.67 CHF");
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(money(Money::new(1200, jpy).unwrap()), "¥1,200");
        assert_eq!(decimal(Money::new(124_900, usd).unwrap()), "1249.00");
    }

    #[test]
    fn dates_and_retry_times_read_plainly() {
        assert_eq!(date(1_796_400_000_000), "4 Dec 2026");
        assert_eq!(retry_after(1, 0), "in 1 second");
        assert_eq!(retry_after(45, 0), "in 45 seconds");
        assert_eq!(retry_after(61, 0), "in 2 minutes (at 00:01 UTC)");
        assert_eq!(retry_after(900, 3_600_000), "in 15 minutes (at 01:15 UTC)");
    }

    #[test]
    fn sizes_come_in_both_units_with_a_plain_hint() {
        let (cm, inches) = dimensions([0.8, 0.9, 0.85]);
        assert_eq!(cm, "80 × 90 × 85 cm");
        assert_eq!(inches, "31.5 × 35.4 × 33.5 in");
        assert!(size_hint([0.8, 0.9, 0.85]).starts_with("Check"));
        assert!(size_hint([0.6, 0.9, 0.7]).starts_with("Fits through"));
        assert!(size_hint([0.1, 0.05, 0.2]).contains("hand"));
    }
}
