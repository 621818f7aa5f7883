//! Sessions in the shop's database (`sessions` table): the record as JSON, an expiry the store
//! filters on, and an insert-only create so two new sessions can never share an id.

use async_trait::async_trait;
use showroom_store::{DynLoginSessionStore, SessionRecord};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::backend_error;

#[derive(Clone)]
pub struct DbSessionStore(pub DynLoginSessionStore);

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn stored(record: &Record) -> session_store::Result<SessionRecord> {
    Ok(SessionRecord {
        data: serde_json::to_string(record)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expires_at: unix_millis(record.expiry_date),
    })
}

pub(crate) fn unix_millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            if self
                .0
                .create_session(&record.id.to_string(), &stored(record)?)
                .await
                .map_err(backend_error)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0
            .save_session(&record.id.to_string(), &stored(record)?)
            .await
            .map_err(backend_error)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = unix_millis(OffsetDateTime::now_utc());
        let Some(found) = self
            .0
            .load_session(&id.to_string(), now)
            .await
            .map_err(backend_error)?
        else {
            return Ok(None);
        };
        serde_json::from_str(&found.data)
            .map(Some)
            .map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0
            .delete_session(&id.to_string())
            .await
            .map_err(backend_error)
    }
}
