//! How alike two posters are: the structural similarity (SSIM, Wang et al. 2004) of their
//! luminance, each composited over white first, in 8 × 8 windows every 4 pixels, with the usual
//! constants for 8-bit values. 1 means identical; ≥ 0.97 is hard to tell apart by eye.

use image::RgbaImage;

/// Mean SSIM of two posters of the same size; `None` when the sizes differ or are under 8 px.
pub fn ssim(a: &RgbaImage, b: &RgbaImage) -> Option<f64> {
    if a.dimensions() != b.dimensions() || a.width() < 8 || a.height() < 8 {
        return None;
    }
    let (w, h) = (a.width() as usize, a.height() as usize);
    let (la, lb) = (luminance(a), luminance(b));
    const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);
    let (mut total, mut windows) = (0.0, 0usize);
    for y in (0..=h - 8).step_by(4) {
        for x in (0..=w - 8).step_by(4) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for dy in 0..8 {
                for dx in 0..8 {
                    let i = (y + dy) * w + x + dx;
                    let (p, q) = (la[i], lb[i]);
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                }
            }
            let n = 64.0;
            let (ma, mb) = (sa / n, sb / n);
            let (va, vb) = (saa / n - ma * ma, sbb / n - mb * mb);
            let cov = sab / n - ma * mb;
            total += ((2.0 * ma * mb + C1) * (2.0 * cov + C2))
                / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            windows += 1;
        }
    }
    Some(total / windows as f64)
}

/// Rec. 709 luminance of the sRGB values, over a white background, 0–255.
fn luminance(image: &RgbaImage) -> Vec<f64> {
    image
        .pixels()
        .map(|p| {
            let alpha = f64::from(p.0[3]) / 255.0;
            let over = |c: u8| f64::from(c) * alpha + 255.0 * (1.0 - alpha);
            0.2126 * over(p.0[0]) + 0.7152 * over(p.0[1]) + 0.0722 * over(p.0[2])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_posters_score_one_and_different_ones_less() {
        let a = RgbaImage::from_fn(32, 32, |x, y| {
            image::Rgba([(x * 8) as u8, (y * 8) as u8, 0, 255])
        });
        assert!((ssim(&a, &a).unwrap() - 1.0).abs() < 1e-9);
        let mut b = a.clone();
        for p in b.pixels_mut().step_by(3) {
            p.0 = [255, 255, 255, 255];
        }
        let score = ssim(&a, &b).unwrap();
        assert!(score < 0.9, "{score}");
        assert_eq!(ssim(&a, &RgbaImage::new(16, 16)), None);
    }
}
