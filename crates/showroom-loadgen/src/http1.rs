//! One keep-alive HTTP/1.1 connection with one request in flight at a time: writes a `GET` (or a
//! `POST` filled from its templates),
//! reads the status line, the headers and the whole body (`Content-Length` or chunked) from its
//! own buffer, and times the exchange from the first byte written to the last byte read.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::stats::Samples;
use crate::template::{Fill, Template};

/// The requests a run sends.
pub enum Requests {
    /// One `GET` per path, built once, drawn with a Zipf-like skew (see [`zipf_index`]).
    Get(Vec<Vec<u8>>),
    /// `POST`s to one path whose headers and body are filled per request.
    Post(Post),
}

impl Requests {
    pub fn get(paths: &[String], host: &str, accept_encoding: Option<&str>) -> Self {
        let coding = accept_encoding_line(accept_encoding);
        Self::Get(
            paths
                .iter()
                .map(|path| {
                    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{coding}\r\n").into_bytes()
                })
                .collect(),
        )
    }
}

/// `Accept-Encoding: …` and its CRLF, or nothing.
pub fn accept_encoding_line(coding: Option<&str>) -> String {
    coding
        .map(|coding| format!("Accept-Encoding: {coding}\r\n"))
        .unwrap_or_default()
}

/// A `POST` whose header values and body are [`Template`]s.
pub struct Post {
    /// The request line and `Host`.
    pub start: String,
    /// Whole header lines (`Name: value`), without their CRLF.
    pub headers: Vec<Template>,
    pub body: Template,
    pub picks: Vec<String>,
    /// Starts every `{unique}` value, so that two runs never send the same one.
    pub run: String,
}

impl Post {
    /// The next request into `out`; `unique` fills `{unique}`.
    fn render(&self, out: &mut Vec<u8>, unique: &str, draw: &mut dyn FnMut() -> f64) {
        let mut fill = Fill {
            unique,
            picks: &self.picks,
            draw,
        };
        let mut body = String::new();
        self.body.render(&mut body, &mut fill);
        let mut head = self.start.clone();
        for header in &self.headers {
            header.render(&mut head, &mut fill);
            head.push_str("\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        out.clear();
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(body.as_bytes());
    }
}

pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// Where the unread bytes of `buffer` start.
    start: usize,
}

impl Connection {
    pub async fn open(addr: &str) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buffer: Vec::with_capacity(64 * 1024),
            start: 0,
        })
    }

    /// Sends requests back to back until `deadline`, each drawn from `requests` (see
    /// [`zipf_index`]), and returns every latency and status.
    pub async fn drive(
        mut self,
        requests: Arc<Requests>,
        seed: u64,
        deadline: Instant,
    ) -> anyhow::Result<Samples> {
        let mut random = XorShift::new(seed);
        let mut samples = Samples::default();
        let mut scratch = Vec::new();
        let mut sent = 0u64;
        while Instant::now() < deadline {
            let request: &[u8] = match requests.as_ref() {
                Requests::Get(all) => &all[zipf_index(all.len(), random.unit())],
                Requests::Post(post) => {
                    sent += 1;
                    let unique = format!("{}-{seed}-{sent}", post.run);
                    post.render(&mut scratch, &unique, &mut || random.unit());
                    &scratch
                }
            };
            let started = Instant::now();
            self.stream.write_all(request).await?;
            let status = self.read_response().await.with_context(|| {
                format!(
                    "reading the answer to {:?}",
                    String::from_utf8_lossy(request)
                )
            })?;
            samples.record(started.elapsed(), status);
        }
        Ok(samples)
    }

    /// Reads one whole answer and returns its status code.
    async fn read_response(&mut self) -> anyhow::Result<u16> {
        let head_end = loop {
            if let Some(at) = find(&self.buffer[self.start..], b"\r\n\r\n") {
                break self.start + at + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buffer[self.start..head_end])
            .context("the head is not text")?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .with_context(|| format!("not an HTTP status line in {head:?}"))?;
        let (mut length, mut chunked) = (0usize, false);
        for header in lines {
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().context("Content-Length")?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
        self.start = head_end;
        if chunked {
            self.skip_chunked().await?;
        } else {
            self.skip(length).await?;
        }
        Ok(status)
    }

    /// Reads more bytes into the buffer, first dropping the ones already used.
    async fn fill(&mut self) -> anyhow::Result<()> {
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        if self.buffer.capacity() - self.buffer.len() < 16 * 1024 {
            self.buffer.reserve(64 * 1024);
        }
        if self.stream.read_buf(&mut self.buffer).await? == 0 {
            bail!("the server closed the connection");
        }
        Ok(())
    }

    /// Consumes `length` bytes of body.
    async fn skip(&mut self, mut length: usize) -> anyhow::Result<()> {
        loop {
            let buffered = self.buffer.len() - self.start;
            if buffered >= length {
                self.start += length;
                return Ok(());
            }
            length -= buffered;
            self.buffer.clear();
            self.start = 0;
            self.fill().await?;
        }
    }

    /// The next line (without its CRLF), consumed.
    async fn line(&mut self) -> anyhow::Result<String> {
        loop {
            if let Some(at) = find(&self.buffer[self.start..], b"\r\n") {
                let line =
                    String::from_utf8_lossy(&self.buffer[self.start..self.start + at]).into_owned();
                self.start += at + 2;
                return Ok(line);
            }
            self.fill().await?;
        }
    }

    async fn skip_chunked(&mut self) -> anyhow::Result<()> {
        loop {
            let line = self.line().await?;
            let size = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16)
                .with_context(|| format!("not a chunk size: {line:?}"))?;
            if size == 0 {
                // The trailer section: header lines up to an empty one.
                while !self.line().await?.is_empty() {}
                return Ok(());
            }
            self.skip(size + 2).await?;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The index (0-based) of the path to ask for: rank r (1-based) is `floor(n^u)` for a uniform
/// `u`, so rank r is drawn with probability ~ 1/r.
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
