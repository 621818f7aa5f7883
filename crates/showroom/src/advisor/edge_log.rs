//! The edge cache's hit ratio and mean response size, from an access log whose lines carry
//! `cache=STATUS` and `bytes=N` (the nginx edge of `deploy/local` logs exactly that; any CDN log
//! can be reshaped to it). HIT, STALE, UPDATING and REVALIDATED were answered by the edge; MISS,
//! EXPIRED and BYPASS went to the origin; `-` (nothing cacheable) is not counted in the ratio.

/// What the edge log says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EdgeFigures {
    pub hits: u64,
    pub misses: u64,
    pub responses: u64,
    pub bytes: u64,
}

impl EdgeFigures {
    pub fn hit_ratio(&self) -> Option<f64> {
        let lookups = self.hits + self.misses;
        (lookups > 0).then(|| self.hits as f64 / lookups as f64)
    }

    pub fn bytes_per_response(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.bytes as f64 / self.responses as f64)
    }
}

pub fn read(text: &str) -> EdgeFigures {
    let mut figures = EdgeFigures::default();
    for line in text.lines() {
        let mut counted = false;
        for field in line.split_whitespace() {
            if let Some(status) = field.strip_prefix("cache=") {
                counted = true;
                match status {
                    "HIT" | "STALE" | "UPDATING" | "REVALIDATED" => figures.hits += 1,
                    "MISS" | "EXPIRED" | "BYPASS" => figures.misses += 1,
                    _ => {}
                }
            } else if let Some(bytes) = field.strip_prefix("bytes=") {
                if let Ok(bytes) = bytes.parse::<u64>() {
                    figures.bytes += bytes;
                }
            }
        }
        if counted {
            figures.responses += 1;
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_misses_and_sizes_are_counted_and_uncacheable_lines_left_out_of_the_ratio() {
        let log = "127.0.0.1 GET /assets/a/b.glb 200 cache=HIT bytes=1000\n\
                   127.0.0.1 GET /assets/a/b.glb 200 cache=MISS bytes=1000\n\
                   127.0.0.1 GET /assets/a/c.glb 200 cache=STALE bytes=3000\n\
                   127.0.0.1 GET /api/v1/products 200 cache=- bytes=3000\n\
                   unrelated line\n";
        let figures = read(log);
        assert_eq!((figures.hits, figures.misses, figures.responses), (2, 1, 4));
        assert_eq!(figures.hit_ratio(), Some(2.0 / 3.0));
        assert_eq!(figures.bytes_per_response(), Some(2000.0));
        assert_eq!(read("").hit_ratio(), None);
    }
}
