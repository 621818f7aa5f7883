//! The tower plumbing: [`ShieldLayer`] wraps a service in [`ShieldService`], which runs the
//! guard before the inner service and adds the security headers to whatever comes back,
//! refusals included. The inner service is only called for requests the guard let through.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use http::Request;
use tower::{Layer, Service};

use crate::guard::Verdict;
use crate::shield::Shield;

#[derive(Clone)]
pub struct ShieldLayer {
    shield: Arc<Shield>,
}

impl ShieldLayer {
    pub(crate) fn new(shield: Arc<Shield>) -> Self {
        Self { shield }
    }
}

impl<S> Layer<S> for ShieldLayer {
    type Service = ShieldService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ShieldService {
            shield: self.shield.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub struct ShieldService<S> {
    shield: Arc<Shield>,
    inner: S,
}

impl<S> Service<Request<Body>> for ShieldService<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let shield = self.shield.clone();
        // The clone is not ready; keep the one that was polled ready and leave the clone.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            match shield.guard(request).await {
                Verdict::Pass(request, pass) => {
                    let mut response = inner.call(request).await?;
                    shield.headers.apply(response.headers_mut(), pass.https);
                    drop(pass);
                    Ok(response)
                }
                Verdict::Refuse {
                    mut response,
                    https,
                } => {
                    shield.headers.apply(response.headers_mut(), https);
                    Ok(response)
                }
            }
        })
    }
}
