//! A small writer of USDA text: indented lines, blocks, numbers and arrays.
//!
//! Guarantees: every number it writes is a finite decimal USD can parse (a NaN or infinity,
//! which a hand-made scene could hold, is written as 0), floats round-trip exactly (Rust's
//! shortest representation), and blocks opened with [`Usda::open`] are indented by four spaces
//! per level.

use std::fmt::{self, Display, Write};

/// A finite `f32` as USDA text.
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f32);

impl Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.0.is_finite() { self.0 } else { 0.0 };
        // Plain decimals spell 1e-30 with thirty zeros; exponents keep every number short
        // (at most [`MAX_NUM_LEN`] bytes), and USDA reads both.
        let magnitude = value.abs();
        if magnitude != 0.0 && !(1e-4..1e9).contains(&magnitude) {
            write!(f, "{value:e}")
        } else {
            write!(f, "{value}")
        }
    }
}

/// The longest text [`Num`] writes: `-1.2345678e-38`, or a sign, 9 digits, a point and 4 zeros.
pub const MAX_NUM_LEN: usize = 16;

/// `(x, y, z)`.
pub struct Tuple<'a>(pub &'a [f32]);

impl Display for Tuple<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        for (i, &v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Num(v))?;
        }
        f.write_char(')')
    }
}

/// USDA text being written.
#[derive(Debug, Default)]
pub struct Usda {
    out: String,
    depth: usize,
}

impl Usda {
    pub fn into_string(self) -> String {
        self.out
    }

    /// One indented line.
    pub fn line(&mut self, args: fmt::Arguments<'_>) {
        self.indent();
        // Writing into a String cannot fail.
        let _ = self.out.write_fmt(args);
        self.out.push('\n');
    }

    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `{` on its own line, and one level deeper.
    pub fn open(&mut self) {
        self.line(format_args!("{{"));
        self.depth += 1;
    }

    /// `head {` on one line, and one level deeper (the form of variant sets and variants).
    pub fn open_after(&mut self, head: fmt::Arguments<'_>) {
        self.line(format_args!("{head} {{"));
        self.depth += 1;
    }

    /// One level shallower, and `}`.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.line(format_args!("}}"));
    }

    /// `head = [a, b, …]tail` on one line, each item written by `item`.
    pub fn array<T>(
        &mut self,
        head: &str,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut String, T),
        tail: &str,
    ) {
        self.indent();
        self.out.push_str(head);
        self.out.push_str(" = [");
        for (i, value) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            item(&mut self.out, value);
        }
        self.out.push(']');
        self.out.push_str(tail);
        self.out.push('\n');
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }
}

/// Appends `value` to `out` (for [`Usda::array`] items).
pub fn push(out: &mut String, value: impl Display) {
    let _ = write!(out, "{value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_finite_and_round_trip() {
        assert_eq!(Num(1.0).to_string(), "1");
        assert_eq!(Num(0.1).to_string(), "0.1");
        assert_eq!(Num(f32::NAN).to_string(), "0");
        assert_eq!(Num(f32::NEG_INFINITY).to_string(), "0");
        assert_eq!(Tuple(&[1.5, -2.0, 0.25]).to_string(), "(1.5, -2, 0.25)");
        assert_eq!(Num(1e-30).to_string(), "1e-30");
        assert_eq!(Num(-3.4028235e38).to_string(), "-3.4028235e38");
        assert_eq!(Num(0.00012345678).to_string(), "0.00012345678");
        for v in [
            1e-30f32,
            1.1754944e-38,
            -0.000099999,
            123456789.0,
            f32::MAX,
            1.0 / 3.0,
        ] {
            let text = Num(v).to_string();
            assert!(text.len() <= MAX_NUM_LEN, "{text}");
            assert_eq!(text.parse::<f32>().unwrap(), v, "{text}");
        }
    }

    #[test]
    fn blocks_indent_and_arrays_join() {
        let mut usda = Usda::default();
        usda.line(format_args!("def \"A\""));
        usda.open();
        usda.array("int[] x", [1, 2, 3], push, "");
        usda.close();
        assert_eq!(
            usda.into_string(),
            "def \"A\"\n{\n    int[] x = [1, 2, 3]\n}\n"
        );
    }
}
