//! Session records and the login throttle in SQL: short statements on small tables, each one
//! atomic on its own.

use std::time::Duration;

use async_trait::async_trait;
use showroom_store::{LoginSessionStore, SessionRecord, StoreError};
use sqlx::Any;

use crate::error::db;
use crate::rows::get;
use crate::SqlCatalog;

impl SqlCatalog {
    /// Runs `sql` with its one parameter bound to `value`; answers how many rows it changed.
    async fn execute_bound<'q, T>(&self, sql: &'q str, value: T) -> Result<u64, StoreError>
    where
        T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
    {
        let done = sqlx::query(sql)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }

    /// Inserts `record` under `id`; `on_conflict` (a fixed clause, never input) says what an
    /// existing row with that id does. Answers how many rows were written.
    async fn insert_session(
        &self,
        id: &str,
        record: &SessionRecord,
        on_conflict: &'static str,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) {on_conflict}"
        );
        let done = sqlx::query(&sql)
            .bind(id)
            .bind(&record.data)
            .bind(record.expires_at)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl LoginSessionStore for SqlCatalog {
    async fn load_session(&self, id: &str, now: i64) -> Result<Option<SessionRecord>, StoreError> {
        let row =
            sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.map(|row| {
            Ok(SessionRecord {
                data: get(&row, "data")?,
                expires_at: get(&row, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn save_session(&self, id: &str, record: &SessionRecord) -> Result<(), StoreError> {
        let replace = "DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at";
        self.insert_session(id, record, replace).await?;
        Ok(())
    }

    async fn create_session(&self, id: &str, record: &SessionRecord) -> Result<bool, StoreError> {
        Ok(self.insert_session(id, record, "DO NOTHING").await? == 1)
    }

    async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        self.execute_bound("DELETE FROM sessions WHERE id = $1", id)
            .await?;
        Ok(())
    }

    async fn sweep_sessions(&self, now: i64) -> Result<u64, StoreError> {
        self.execute_bound("DELETE FROM sessions WHERE expires_at <= $1", now)
            .await
    }

    /// One upsert: a failure inside the window adds one, the first failure after it starts a
    /// new window at one.
    async fn record_login_failure(
        &self,
        key: &str,
        now: i64,
        window: Duration,
    ) -> Result<u32, StoreError> {
        let window_start = now - window_millis(window);
        let row = sqlx::query(
            "INSERT INTO login_failures (key, failures, window_start_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_failures.window_start_at > $3 \
                          THEN login_failures.failures + 1 ELSE 1 END, \
               window_start_at = CASE WHEN login_failures.window_start_at > $3 \
                          THEN login_failures.window_start_at ELSE $2 END \
             RETURNING failures",
        )
        .bind(key)
        .bind(now)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let failures: i64 = get(&row, "failures")?;
        Ok(u32::try_from(failures).unwrap_or(u32::MAX))
    }

    async fn login_failures(
        &self,
        key: &str,
        now: i64,
        window: Duration,
    ) -> Result<(u32, i64), StoreError> {
        let row = sqlx::query(
            "SELECT failures, window_start_at FROM login_failures \
             WHERE key = $1 AND window_start_at > $2",
        )
        .bind(key)
        .bind(now - window_millis(window))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok((0, now)) };
        let failures: i64 = get(&row, "failures")?;
        let started: i64 = get(&row, "window_start_at")?;
        Ok((
            u32::try_from(failures).unwrap_or(u32::MAX),
            started + window_millis(window),
        ))
    }

    async fn forgive_login_failure(&self, key: &str) -> Result<(), StoreError> {
        self.execute_bound(
            "UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0",
            key,
        )
        .await?;
        Ok(())
    }

    async fn sweep_login_failures(&self, before: i64) -> Result<u64, StoreError> {
        self.execute_bound(
            "DELETE FROM login_failures WHERE window_start_at < $1",
            before,
        )
        .await
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        self.execute_bound("DELETE FROM login_failures WHERE key = $1", key)
            .await?;
        Ok(())
    }
}

fn window_millis(window: Duration) -> i64 {
    i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 2)
}
