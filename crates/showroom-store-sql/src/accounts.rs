//! Customers, staff and API tokens in SQL. Each method is one statement or one write
//! transaction; unique emails and token hashes are enforced by named constraints
//! (`customers_email_key`, `staff_email_key`, `api_tokens_token_hash_key`).

use async_trait::async_trait;
use showroom_domain::Email;
use showroom_store::{
    AccountRecordStore, ApiTokenRecord, Customer, NewApiToken, StaffMember, StaffRole, StoreError,
    WithPasswordHash,
};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::rows::{self, get};
use crate::sql::now_millis;
use crate::SqlCatalog;

const CUSTOMER_COLUMNS: &str = "id, email, created_at, password_hash";
const STAFF_COLUMNS: &str = "id, email, role, active, created_at, password_hash";
const TOKEN_COLUMNS: &str = "id, name, scopes, created_by, created_at, last_used_at, revoked_at";

fn email(row: &AnyRow) -> Result<Email, StoreError> {
    let raw: String = get(row, "email")?;
    Email::parse(&raw).map_err(|e| corrupt("account email", e))
}

fn customer(row: &AnyRow) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: rows::uuid(row, "id")?,
        email: email(row)?,
        created_at: get(row, "created_at")?,
    })
}

fn staff(row: &AnyRow) -> Result<StaffMember, StoreError> {
    let role: String = get(row, "role")?;
    let active: i64 = get(row, "active")?;
    Ok(StaffMember {
        id: rows::uuid(row, "id")?,
        email: email(row)?,
        role: role.parse().map_err(|e| corrupt("staff role", e))?,
        active: active != 0,
        created_at: get(row, "created_at")?,
    })
}

fn token(row: &AnyRow) -> Result<ApiTokenRecord, StoreError> {
    let scopes: String = get(row, "scopes")?;
    Ok(ApiTokenRecord {
        id: rows::uuid(row, "id")?,
        name: get(row, "name")?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        created_by: rows::opt_uuid(row, "created_by")?,
        created_at: get(row, "created_at")?,
        last_used_at: get(row, "last_used_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}

fn with_hash<T>(row: &AnyRow, account: T) -> Result<WithPasswordHash<T>, StoreError> {
    Ok(WithPasswordHash {
        account,
        password_hash: get(row, "password_hash")?,
    })
}

#[async_trait]
impl AccountRecordStore for SqlCatalog {
    async fn create_customer(
        &self,
        email: &Email,
        password_hash: &str,
    ) -> Result<Customer, StoreError> {
        let (id, now) = (Uuid::now_v7(), now_millis());
        sqlx::query(
            "INSERT INTO customers (id, email, email_key, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id.to_string())
        .bind(email.as_typed())
        .bind(email.normalized())
        .bind(password_hash)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(Customer {
            id,
            email: email.clone(),
            created_at: now,
        })
    }

    async fn customer(&self, id: Uuid) -> Result<Option<Customer>, StoreError> {
        let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
        let row = self.row_by_key(&sql, &id.to_string()).await?;
        row.as_ref().map(customer).transpose()
    }

    async fn customer_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<Customer>>, StoreError> {
        let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE email_key = $1");
        let row = self.row_by_key(&sql, email.normalized()).await?;
        row.map(|row| with_hash(&row, customer(&row)?)).transpose()
    }

    async fn customer_password_hash(&self, id: Uuid) -> Result<Option<String>, StoreError> {
        let row = self
            .row_by_key(
                "SELECT password_hash FROM customers WHERE id = $1",
                &id.to_string(),
            )
            .await?;
        row.map(|row| get(&row, "password_hash")).transpose()
    }

    async fn set_customer_password(&self, id: Uuid, password_hash: &str) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE customers SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now_millis())
                .bind(id.to_string())
                .execute(&self.pool)
                .await
                .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "customer" });
        }
        Ok(())
    }

    async fn create_staff(
        &self,
        email: &Email,
        password_hash: &str,
        role: StaffRole,
    ) -> Result<StaffMember, StoreError> {
        let (id, now) = (Uuid::now_v7(), now_millis());
        sqlx::query(
            "INSERT INTO staff (id, email, email_key, password_hash, role, active, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
        )
        .bind(id.to_string())
        .bind(email.as_typed())
        .bind(email.normalized())
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(StaffMember {
            id,
            email: email.clone(),
            role,
            active: true,
            created_at: now,
        })
    }

    async fn staff_member(&self, id: Uuid) -> Result<Option<StaffMember>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1");
        let row = self.row_by_key(&sql, &id.to_string()).await?;
        row.as_ref().map(staff).transpose()
    }

    async fn staff_login(
        &self,
        email: &Email,
    ) -> Result<Option<WithPasswordHash<StaffMember>>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE email_key = $1");
        let row = self.row_by_key(&sql, email.normalized()).await?;
        row.map(|row| with_hash(&row, staff(&row)?)).transpose()
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, id");
        let found = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(db)?;
        found.iter().map(staff).collect()
    }

    async fn count_staff(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM staff")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        get(&row, "n")
    }

    /// One write transaction, so two admins demoting each other at once cannot both win and
    /// leave the shop without an active admin.
    async fn update_staff(
        &self,
        id: Uuid,
        role: Option<StaffRole>,
        active: Option<bool>,
    ) -> Result<StaffMember, StoreError> {
        let mut tx = self.begin_write().await?;
        // Every active admin row is locked first, in one order, so concurrent role changes
        // serialize on PostgreSQL without deadlocking (SQLite's write lock already does).
        let sql = format!(
            "SELECT id FROM staff WHERE role = 'admin' AND active = 1 ORDER BY id{}",
            self.dialect.for_update()
        );
        let active_admins = sqlx::query(&sql)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .len();
        let sql = format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1{}",
            self.dialect.for_update()
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound {
                what: "staff member",
            })?;
        let mut member = staff(&row)?;
        let was_active_admin = member.active && member.role == StaffRole::Admin;
        member.role = role.unwrap_or(member.role);
        member.active = active.unwrap_or(member.active);
        let still_active_admin = member.active && member.role == StaffRole::Admin;
        if was_active_admin && !still_active_admin && active_admins <= 1 {
            return Err(StoreError::conflict(
                "role",
                "this is the last active admin; make someone else admin first",
            ));
        }
        sqlx::query("UPDATE staff SET role = $1, active = $2, updated_at = $3 WHERE id = $4")
            .bind(member.role.as_str())
            .bind(i64::from(member.active))
            .bind(now_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(member)
    }

    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiTokenRecord, StoreError> {
        let (id, now) = (Uuid::now_v7(), now_millis());
        let mut scopes = new.scopes;
        scopes.sort();
        scopes.dedup();
        sqlx::query(
            "INSERT INTO api_tokens (id, name, token_hash, scopes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(&new.name)
        .bind(&new.token_hash)
        .bind(scopes.join(" "))
        .bind(new.created_by.map(|id| id.to_string()))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(ApiTokenRecord {
            id,
            name: new.name,
            scopes,
            created_by: new.created_by,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        })
    }

    async fn use_api_token(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
        let now = now_millis();
        let sql = format!(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL \
             RETURNING {TOKEN_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(token).transpose()
    }

    async fn list_api_tokens(&self) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id DESC");
        let found = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(db)?;
        found.iter().map(token).collect()
    }

    async fn revoke_api_token(&self, id: Uuid) -> Result<ApiTokenRecord, StoreError> {
        let sql = format!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 \
             RETURNING {TOKEN_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(now_millis())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound { what: "API token" })?;
        token(&row)
    }
}
