//! Product reads by slug, coalesced: the look-ups asked for while others are being read wait
//! for one statement that reads them together (up to [`MAX_BATCH`] slugs, see
//! [`crate::read::products_by_slugs`]) instead of taking a pooled connection and a statement
//! each. Under light load a look-up is read at once, alone; when the cache misses many products
//! at once (a cold start, a crawler walking the long tail) the waiting look-ups share
//! statements. A look-up by key is mostly the statement's fixed cost, so on PostgreSQL eight
//! products in one statement cost the server about half of what eight statements do.
//!
//! Guarantees:
//! - every look-up is answered by a statement that started after it was asked for, so it sees
//!   every write committed before it, exactly as a read of its own would;
//! - [`READERS`] tasks read batches, so at most that many of these statements run at once;
//!   they start on the first look-up, on the runtime that asked, and end with the catalog;
//! - when the database is unavailable, every look-up of the batch gets
//!   [`StoreError::Unavailable`] at once (not a second wait for a connection each); when a batch
//!   fails otherwise, the queue is full, or the readers are gone (their runtime ended), each
//!   look-up is read on its own, so its answer and its errors are a direct read's.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use showroom_store::{Product, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::error::db;
use crate::read::{product, products_by_slugs, ProductKey};
use crate::SqlCatalog;

/// The most slugs one statement reads.
const MAX_BATCH: usize = 16;

/// How many batches are read at once.
const READERS: usize = 4;

/// How many look-ups may wait; beyond that they are read on their own.
const QUEUE: usize = 4_096;

/// The queue of look-ups, started on first use. Shared by the clones of one catalog.
#[derive(Default)]
pub(crate) struct SlugBatches {
    queue: OnceLock<mpsc::Sender<LookUp>>,
}

struct LookUp {
    slug: String,
    answer: oneshot::Sender<Answer>,
}

enum Answer {
    Read(Option<Product>),
    /// The database could not be reached: the reason, for each look-up's own error.
    Unavailable(String),
    /// The batch failed: read it on your own (which reports the error as a direct read does).
    ReadAlone,
}

impl SqlCatalog {
    /// The product with this slug, read in a batch with the look-ups waiting alongside (see the
    /// module docs).
    pub(crate) async fn product_by_slug_coalesced(
        &self,
        slug: &str,
    ) -> Result<Option<Product>, StoreError> {
        let queue = self
            .slug_batches
            .queue
            .get_or_init(|| start_readers(self.pool.clone()));
        let (answer, answered) = oneshot::channel();
        let look_up = LookUp {
            slug: slug.to_owned(),
            answer,
        };
        if queue.try_send(look_up).is_ok() {
            match answered.await {
                Ok(Answer::Read(found)) => return Ok(found),
                Ok(Answer::Unavailable(reason)) => {
                    return Err(StoreError::Unavailable(reason.into()))
                }
                Ok(Answer::ReadAlone) | Err(_) => {}
            }
        }
        let mut conn = self.pool.acquire().await.map_err(db)?;
        product(&mut conn, ProductKey::Slug(slug)).await
    }
}

fn start_readers(pool: AnyPool) -> mpsc::Sender<LookUp> {
    let (sender, receiver) = mpsc::channel(QUEUE);
    let receiver = Arc::new(Mutex::new(receiver));
    for _ in 0..READERS {
        tokio::spawn(read_batches(pool.clone(), receiver.clone()));
    }
    sender
}

/// Takes the look-ups waiting (at least one, at most [`MAX_BATCH`]) and answers them with one
/// read, until the catalog is dropped. While look-ups keep waiting, consecutive batches are read
/// on the same connection (sqlx pings a connection each time it goes back to the pool: a round
/// trip per batch saved); it goes back before the reader waits for anything.
async fn read_batches(pool: AnyPool, queue: Arc<Mutex<mpsc::Receiver<LookUp>>>) {
    let mut held: Option<PoolConnection<Any>> = None;
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        {
            // A reader never waits, for the queue's lock or for a look-up, while it holds a
            // connection: with a small pool, the callers it would keep waiting may need it.
            let mut queue = match queue.try_lock() {
                Ok(queue) => queue,
                Err(_) => {
                    held = None;
                    queue.lock().await
                }
            };
            if queue.is_empty() {
                held = None;
            }
            match queue.recv().await {
                Some(first) => batch.push(first),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
        }
        held = answer(&pool, held, batch).await;
    }
}

/// Answers `batch` on `held` (or a connection from the pool) and returns the connection when the
/// read succeeded; after a failure it is dropped, so a broken one is never kept.
async fn answer(
    pool: &AnyPool,
    held: Option<PoolConnection<Any>>,
    batch: Vec<LookUp>,
) -> Option<PoolConnection<Any>> {
    let mut waiting: HashMap<String, Vec<oneshot::Sender<Answer>>> = HashMap::new();
    for look_up in batch {
        waiting
            .entry(look_up.slug)
            .or_default()
            .push(look_up.answer);
    }
    let slugs: Vec<&str> = waiting.keys().map(String::as_str).collect();
    let read = async {
        let mut conn = match held {
            Some(conn) => conn,
            None => pool.acquire().await.map_err(db)?,
        };
        let found = products_by_slugs(&mut conn, &slugs).await?;
        Ok::<_, StoreError>((found, conn))
    };
    let (mut found, conn) = match read.await {
        Ok(read) => read,
        Err(error) => {
            let unavailable = matches!(error, StoreError::Unavailable(_));
            let reason = std::error::Error::source(&error)
                .map_or_else(|| error.to_string(), ToString::to_string);
            for answer in waiting.into_values().flatten() {
                let _ = answer.send(if unavailable {
                    Answer::Unavailable(reason.clone())
                } else {
                    Answer::ReadAlone
                });
            }
            return None;
        }
    };
    for (slug, answers) in waiting {
        let product = found.remove(&slug);
        for answer in answers {
            // A look-up whose request went away no longer listens.
            let _ = answer.send(Answer::Read(product.clone()));
        }
    }
    Some(conn)
}
