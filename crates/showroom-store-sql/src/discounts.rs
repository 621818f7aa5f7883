//! Discount codes in SQL, and the two steps the checkout takes with one inside its transaction:
//! [`locked_discount`] reads the code and locks its row (PostgreSQL; SQLite's write lock already
//! serializes), and [`count_use`] counts the use with a conditional update that can never pass
//! the usage limit.

use async_trait::async_trait;
use showroom_domain::{
    BasisPoints, Currency, Discount, DiscountCode, DiscountValue, Money, UnixTime,
};
use showroom_store::{DiscountRecord, DiscountStore, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::error::{corrupt, db};
use crate::rows::get;
use crate::sql::now_millis;
use crate::{Dialect, SqlCatalog};

const COLUMNS: &str = "code, kind, basis_points, amount_minor, currency, minimum_minor, \
     expires_at, usage_limit, times_used, active, created_at";

fn record(row: &AnyRow) -> Result<DiscountRecord, StoreError> {
    let code: String = get(row, "code")?;
    let code = DiscountCode::parse(&code).map_err(|e| corrupt("discount code", e))?;
    let kind: String = get(row, "kind")?;
    let currency: Option<String> = get(row, "currency")?;
    let currency = currency
        .map(|c| Currency::parse(&c).map_err(|e| corrupt("discount currency", e)))
        .transpose()?;
    let money = |minor: i64| -> Result<Money, StoreError> {
        let currency = currency.ok_or_else(|| corrupt("discount", "an amount without currency"))?;
        Money::new(minor, currency).map_err(|e| corrupt("discount amount", e))
    };
    let mut discount = match kind.as_str() {
        "percentage" => {
            let bp: i64 = get(row, "basis_points")?;
            let bp = u32::try_from(bp).map_err(|e| corrupt("discount rate", e))?;
            Discount::percentage(
                code,
                BasisPoints::new(bp).map_err(|e| corrupt("discount rate", e))?,
            )
        }
        "fixed" => {
            let minor: i64 = get(row, "amount_minor")?;
            Discount::fixed(code, money(minor)?).map_err(|e| corrupt("discount amount", e))?
        }
        other => return Err(corrupt("discount kind", other)),
    };
    if let Some(minimum) = get::<Option<i64>>(row, "minimum_minor")? {
        // A percentage code's minimum is in the shop's currency, stored beside it.
        discount = discount.with_minimum_subtotal(money(minimum)?);
    }
    if let Some(expires_at) = get::<Option<i64>>(row, "expires_at")? {
        discount = discount.with_expiry(UnixTime(expires_at));
    }
    if let Some(limit) = get::<Option<i64>>(row, "usage_limit")? {
        discount =
            discount.with_usage_limit(u32::try_from(limit).map_err(|e| corrupt("usage limit", e))?);
    }
    let times_used: i64 = get(row, "times_used")?;
    let active: i64 = get(row, "active")?;
    Ok(DiscountRecord {
        discount,
        times_used: u32::try_from(times_used).unwrap_or(u32::MAX),
        active: active != 0,
        created_at: get(row, "created_at")?,
    })
}

/// The code's row, locked for the rest of the transaction.
pub(crate) async fn locked_discount(
    conn: &mut AnyConnection,
    dialect: &dyn Dialect,
    code: &DiscountCode,
) -> Result<Option<DiscountRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM discount_codes WHERE code = $1{}",
        dialect.for_update()
    );
    let row = sqlx::query(&sql)
        .bind(code.as_str())
        .fetch_optional(conn)
        .await
        .map_err(db)?;
    row.as_ref().map(record).transpose()
}

/// Counts one use; `false` when the limit was reached meanwhile (nothing counted).
pub(crate) async fn count_use(
    conn: &mut AnyConnection,
    code: &DiscountCode,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE discount_codes SET times_used = times_used + 1 \
         WHERE code = $1 AND active = 1 AND (usage_limit IS NULL OR times_used < usage_limit)",
    )
    .bind(code.as_str())
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(done.rows_affected() == 1)
}

/// Gives back one use of `code` (an order that used it was released without being paid); never
/// below zero.
pub(crate) async fn return_use(
    conn: &mut AnyConnection,
    code: &DiscountCode,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE discount_codes SET times_used = times_used - 1 WHERE code = $1 AND times_used > 0",
    )
    .bind(code.as_str())
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[async_trait]
impl DiscountStore for SqlCatalog {
    async fn create_discount(&self, discount: Discount) -> Result<DiscountRecord, StoreError> {
        let (kind, bp, amount, currency) = match discount.value() {
            DiscountValue::Percentage(rate) => {
                ("percentage", Some(i64::from(rate.get())), None, None)
            }
            DiscountValue::Fixed(money) => (
                "fixed",
                None,
                Some(money.amount_minor),
                Some(money.currency.code().to_owned()),
            ),
        };
        let currency = currency.or_else(|| {
            discount
                .minimum_subtotal()
                .map(|m| m.currency.code().to_owned())
        });
        let now = now_millis();
        sqlx::query(
            "INSERT INTO discount_codes (code, kind, basis_points, amount_minor, currency, \
             minimum_minor, expires_at, usage_limit, times_used, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 1, $9)",
        )
        .bind(discount.code().as_str())
        .bind(kind)
        .bind(bp)
        .bind(amount)
        .bind(currency)
        .bind(discount.minimum_subtotal().map(|m| m.amount_minor))
        .bind(discount.expires_at().map(|t| t.0))
        .bind(discount.usage_limit().map(i64::from))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(DiscountRecord {
            discount,
            times_used: 0,
            active: true,
            created_at: now,
        })
    }

    async fn list_discounts(&self) -> Result<Vec<DiscountRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM discount_codes ORDER BY created_at DESC, code");
        let found = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(db)?;
        found.iter().map(record).collect()
    }

    async fn discount_by_code(
        &self,
        code: &DiscountCode,
    ) -> Result<Option<DiscountRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM discount_codes WHERE code = $1");
        let row = self.row_by_key(&sql, code.as_str()).await?;
        row.as_ref().map(record).transpose()
    }

    async fn set_discount_active(
        &self,
        code: &DiscountCode,
        active: bool,
    ) -> Result<DiscountRecord, StoreError> {
        let sql =
            format!("UPDATE discount_codes SET active = $1 WHERE code = $2 RETURNING {COLUMNS}");
        let row = sqlx::query(&sql)
            .bind(i64::from(active))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound {
                what: "discount code",
            })?;
        record(&row)
    }
}
