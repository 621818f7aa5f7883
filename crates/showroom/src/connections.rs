//! The accept loop: HTTP/1.1 connections served by hyper with limits that a router cannot set.
//!
//! - **At most `max_connections` open at once.** A connection takes a permit before it is
//!   accepted; with none left the listener is simply not polled, so new clients wait in the
//!   kernel's listen queue instead of costing memory and a task each.
//! - **A request head within `header_read_timeout`.** hyper's own timer closes a connection that
//!   dribbles its headers (slowloris) or sends nothing; it also bounds how long a kept-alive
//!   connection waits for its next request.
//! - **No byte moved for `idle_timeout` closes the connection.** Every read and write stamps the
//!   connection; a client that stops reading a download or stops sending a body is dropped,
//!   with the memory its response held.
//!
//! On shutdown the listener closes, every connection is asked to finish (requests in flight run
//! to completion, idle keep-alive connections close), and [`serve`] returns once the last
//! permit is back.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use showroom_http::ConnectionLimits;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// Serves `app` on `listener` within `limits` until `stop` resolves, then waits for every open
/// connection to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (closing, closing_seen) = watch::channel(false);
    let mut stop = pin!(stop);
    let mut last_warning: Option<Instant> = None;
    loop {
        let warned_lately = last_warning.is_some_and(|at| at.elapsed() < Duration::from_secs(60));
        if permits.available_permits() == 0 && !warned_lately {
            last_warning = Some(Instant::now());
            tracing::warn!(
                max_connections = limits.max_connections,
                "connection cap reached: new connections wait until one closes"
            );
        }
        let permit = tokio::select! {
            () = &mut stop => break,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
        };
        tokio::spawn(serve_connection(
            stream,
            peer,
            app.clone(),
            limits,
            closing_seen.clone(),
            permit,
        ));
    }
    drop(listener);
    let _ = closing.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
    Ok(())
}

/// Accept errors are about one connection (reset before accept) or about the process (out of
/// file descriptors); the second kind would spin, so it waits a moment.
async fn accept_failed(error: &io::Error) {
    let per_connection = matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    );
    if !per_connection {
        tracing::error!(%error, "accept failed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) {
    metrics::gauge!("showroom_http_open_connections").increment(1);
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Stamped {
        inner: stream,
        activity: activity.clone(),
    });
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(Body::new);
        // The shield reads the TCP peer from here to find the real client IP.
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut connection = pin!(builder.serve_connection(io, service));
    let mut asked_to_finish = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                break;
            }
            () = activity.idle_for(limits.idle_timeout) => {
                tracing::debug!(%peer, idle_secs = limits.idle_timeout.as_secs(), "closing an idle connection");
                break;
            }
            _ = closing.wait_for(|closing| *closing), if !asked_to_finish => {
                asked_to_finish = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
    metrics::gauge!("showroom_http_open_connections").decrement(1);
    drop(permit);
}

/// When a connection last moved a byte, in milliseconds since it opened.
struct Activity {
    opened: Instant,
    last_millis: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_millis: AtomicU64::new(0),
        }
    }

    fn stamp(&self) {
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_millis.store(now, Ordering::Relaxed);
    }

    /// Resolves once nothing has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last =
                self.opened + Duration::from_millis(self.last_millis.load(Ordering::Relaxed));
            let quiet = last.elapsed();
            if quiet >= limit {
                return;
            }
            tokio::time::sleep(limit - quiet).await;
        }
    }
}

/// A stream that stamps its [`Activity`] whenever bytes go through it.
struct Stamped {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Stamped {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.stamp();
        }
        result
    }
}

impl AsyncWrite for Stamped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.stamp();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.stamp();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
