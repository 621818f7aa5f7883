//! Cookie sessions in Redis, for `tower-sessions`: one key per session (`<prefix><id>`) holding
//! the JSON record, expiring with the session (`PXAT`), created with `NX` so a new session never
//! takes a live one's id. The binary hands it to the HTTP layer when the cache is Redis, so
//! sessions survive any instance and expire on their own.

use async_trait::async_trait;
use redis::aio::ConnectionManager;
use time::OffsetDateTime;
use tower_sessions_core::session::{Id, Record};
use tower_sessions_core::session_store::{self, SessionStore};

fn backend_error(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn unix_millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[derive(Clone)]
pub struct RedisSessionStore {
    connection: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisSessionStore {
    /// Connects to `url`; session keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        // Bounded like the cache's connection: while Redis is down a request that needs its
        // session fails within about a second instead of waiting through long reconnects.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(std::time::Duration::from_secs(1))
            .set_response_timeout(std::time::Duration::from_secs(1))
            .set_number_of_retries(1)
            .set_max_delay(500);
        Ok(Self {
            connection: ConnectionManager::new_with_config(client, config).await?,
            prefix: prefix.to_owned(),
        })
    }

    fn key(&self, id: &Id) -> String {
        format!("{}{id}", self.prefix)
    }

    async fn set(&self, record: &Record, only_new: bool) -> session_store::Result<bool> {
        let json = serde_json::to_string(record)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let mut command = redis::cmd("SET");
        command
            .arg(self.key(&record.id))
            .arg(json)
            .arg("PXAT")
            .arg(unix_millis(record.expiry_date).max(1));
        if only_new {
            command.arg("NX");
        }
        let mut connection = self.connection.clone();
        let answer: Option<String> = command
            .query_async(&mut connection)
            .await
            .map_err(backend_error)?;
        Ok(answer.is_some())
    }
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.set(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.set(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut connection = self.connection.clone();
        let found: Option<String> = redis::cmd("GET")
            .arg(self.key(id))
            .query_async(&mut connection)
            .await
            .map_err(backend_error)?;
        let Some(json) = found else { return Ok(None) };
        let record: Record =
            serde_json::from_str(&json).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok((record.expiry_date > OffsetDateTime::now_utc()).then_some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let mut connection = self.connection.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(self.key(id))
            .query_async(&mut connection)
            .await
            .map_err(backend_error)?;
        Ok(())
    }
}
