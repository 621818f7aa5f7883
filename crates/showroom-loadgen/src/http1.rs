//! One keep-alive HTTP/1.1 connection with one request in flight at a time: writes a `GET`,
//! reads the status line, the headers and the whole body (`Content-Length` or chunked), and
//! times the exchange from the first byte written to the last byte read.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::stats::Samples;

pub struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
    accept_encoding: Option<String>,
}

impl Connection {
    pub async fn open(addr: &str, accept_encoding: Option<String>) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::with_capacity(64 * 1024, stream),
            host: addr.to_owned(),
            accept_encoding,
        })
    }

    /// Sends requests back to back until `deadline`, each for a path drawn from `paths` (see
    /// [`zipf_index`]), and returns every latency and status.
    pub async fn drive(
        mut self,
        paths: Arc<Vec<String>>,
        seed: u64,
        deadline: Instant,
    ) -> anyhow::Result<Samples> {
        let mut random = XorShift::new(seed);
        let mut samples = Samples::default();
        let mut line = String::new();
        while Instant::now() < deadline {
            let path = &paths[zipf_index(paths.len(), random.unit())];
            let started = Instant::now();
            self.send(path).await?;
            let status = self
                .read_response(&mut line)
                .await
                .with_context(|| format!("reading the answer to GET {path}"))?;
            samples.record(started.elapsed(), status);
        }
        Ok(samples)
    }

    async fn send(&mut self, path: &str) -> anyhow::Result<()> {
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(coding) = &self.accept_encoding {
            request.push_str(&format!("Accept-Encoding: {coding}\r\n"));
        }
        request.push_str("\r\n");
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        Ok(())
    }

    /// Reads one whole answer and returns its status code.
    async fn read_response(&mut self, line: &mut String) -> anyhow::Result<u16> {
        line.clear();
        if self.stream.read_line(line).await? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .with_context(|| format!("not an HTTP status line: {line:?}"))?;
        let (mut length, mut chunked) = (0u64, false);
        loop {
            line.clear();
            if self.stream.read_line(line).await? == 0 {
                bail!("the server closed the connection inside the headers");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().context("Content-Length")?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
        if chunked {
            self.skip_chunked(line).await?;
        } else {
            self.skip(length).await?;
        }
        Ok(status)
    }

    async fn skip(&mut self, length: u64) -> anyhow::Result<()> {
        let copied =
            tokio::io::copy(&mut (&mut self.stream).take(length), &mut tokio::io::sink()).await?;
        if copied != length {
            bail!("the body ended after {copied} of {length} bytes");
        }
        Ok(())
    }

    async fn skip_chunked(&mut self, line: &mut String) -> anyhow::Result<()> {
        loop {
            line.clear();
            self.stream.read_line(line).await?;
            let size = line.trim_end().split(';').next().unwrap_or_default();
            let size = u64::from_str_radix(size.trim(), 16)
                .with_context(|| format!("not a chunk size: {line:?}"))?;
            if size == 0 {
                // The trailer section: header lines up to an empty one.
                loop {
                    line.clear();
                    if self.stream.read_line(line).await? == 0 || line.trim_end().is_empty() {
                        return Ok(());
                    }
                }
            }
            self.skip(size + 2).await?;
        }
    }
}

/// The index (0-based) of the path to ask for: rank r (1-based) is `floor(n^u)` for a uniform
/// `u`, so rank r is drawn with probability ~ 1/r, as in `bench/lib/zipf.lua`.
pub fn zipf_index(n: usize, u: f64) -> usize {
    let rank = (n as f64).powf(u).floor() as usize;
    rank.clamp(1, n) - 1
}

/// A small fast generator for the path draw (xorshift64*); not for anything secret.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A uniform number in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_draws_favour_the_first_paths_and_stay_in_range() {
        let mut random = XorShift::new(7);
        let mut counts = [0usize; 100];
        for _ in 0..100_000 {
            counts[zipf_index(100, random.unit())] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99]);
        // P(rank 1) = P(100^u < 2) = ln 2 / ln 100 ≈ 15 %.
        assert!((13_000..17_000).contains(&counts[0]), "{}", counts[0]);
        assert_eq!(zipf_index(1, 0.99), 0);
        assert_eq!(zipf_index(5, 0.0), 0);
    }
}
