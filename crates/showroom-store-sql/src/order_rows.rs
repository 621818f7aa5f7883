//! Orders as stored → [`Order`] and [`OrderHistoryEntry`], and the one place a history entry is
//! written. Like `rows.rs`, each column list sits next to its decoder; a value that fails to parse
//! is `Internal`, because the store wrote it.

use showroom_domain::{
    Currency, DiscountCode, Email, Money, OrderNumber, OrderState, PriceMode, ShippingAddress, Sku,
    Slug, TrackingNumber,
};
use showroom_store::{Actor, Order, OrderHistoryEntry, OrderLine, OrderTotals, StoreError};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::error::{corrupt, db};
use crate::rows::{self, get};

pub(crate) const ORDER_COLUMNS: &str = "o.id, o.number, o.state, o.email, o.shipping_address, \
     o.shipping_method, o.currency, o.price_mode, o.subtotal_minor, o.discount_minor, \
     o.shipping_minor, o.tax_minor, o.total_minor, o.refunded_minor, o.tracking_number, \
     o.payment_ref, o.reserved_until, o.created_at, o.updated_at, o.customer_id, o.discount_code";

const LINE_COLUMNS: &str = "l.variant_id, l.product_id, l.title, l.sku, l.unit_price_minor, \
     l.quantity, l.subtotal_minor, l.discount_minor, l.tax_minor, l.total_minor";

pub(crate) fn price_mode_str(mode: PriceMode) -> &'static str {
    match mode {
        PriceMode::TaxInclusive => "tax_inclusive",
        PriceMode::TaxExclusive => "tax_exclusive",
    }
}

fn price_mode(raw: &str) -> Result<PriceMode, StoreError> {
    match raw {
        "tax_inclusive" => Ok(PriceMode::TaxInclusive),
        "tax_exclusive" => Ok(PriceMode::TaxExclusive),
        other => Err(corrupt("price mode", other)),
    }
}

/// The unique value an order is found by.
pub(crate) enum OrderKey {
    Id(Uuid),
    Number(OrderNumber),
}

/// Reads one order with its lines.
pub(crate) async fn order_by(
    conn: &mut AnyConnection,
    key: OrderKey,
) -> Result<Option<Order>, StoreError> {
    let column = match key {
        OrderKey::Id(_) => "id",
        OrderKey::Number(_) => "number",
    };
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders o WHERE o.{column} = $1");
    let query = sqlx::query(&sql);
    let query = match key {
        OrderKey::Id(id) => query.bind(id.to_string()),
        OrderKey::Number(number) => query.bind(number.sequence()),
    };
    let Some(row) = query.fetch_optional(&mut *conn).await.map_err(db)? else {
        return Ok(None);
    };
    order(conn, &row).await.map(Some)
}

pub(crate) async fn order_by_id(
    conn: &mut AnyConnection,
    id: Uuid,
) -> Result<Option<Order>, StoreError> {
    order_by(conn, OrderKey::Id(id)).await
}

/// Decodes an order row and loads its lines.
pub(crate) async fn order(conn: &mut AnyConnection, row: &AnyRow) -> Result<Order, StoreError> {
    let id = rows::uuid(row, "id")?;
    let currency: String = get(row, "currency")?;
    let currency = Currency::parse(&currency).map_err(|e| corrupt("order currency", e))?;
    let money = |column: &str| -> Result<Money, StoreError> {
        Money::new(get(row, column)?, currency).map_err(|e| corrupt(column, e))
    };
    let state: String = get(row, "state")?;
    let email: String = get(row, "email")?;
    let address: String = get(row, "shipping_address")?;
    let method: Option<String> = get(row, "shipping_method")?;
    let tracking: Option<String> = get(row, "tracking_number")?;
    let mode: String = get(row, "price_mode")?;
    let number: i64 = get(row, "number")?;
    let totals = OrderTotals {
        price_mode: price_mode(&mode)?,
        subtotal: money("subtotal_minor")?,
        discount: money("discount_minor")?,
        shipping: money("shipping_minor")?,
        tax: money("tax_minor")?,
        grand_total: money("total_minor")?,
    };
    Ok(Order {
        id,
        number: OrderNumber::from_sequence(number).map_err(|e| corrupt("order number", e))?,
        state: OrderState::parse(&state).map_err(|e| corrupt("order state", e))?,
        customer_id: rows::opt_uuid(row, "customer_id")?,
        discount_code: get::<Option<String>>(row, "discount_code")?
            .map(|c| DiscountCode::parse(&c).map_err(|e| corrupt("order discount code", e)))
            .transpose()?,
        email: Email::parse(&email).map_err(|e| corrupt("order email", e))?,
        shipping_address: serde_json::from_str::<ShippingAddress>(&address)
            .map_err(|e| corrupt("shipping address", e))?,
        shipping_method: method
            .map(|m| Slug::parse(&m).map_err(|e| corrupt("shipping method", e)))
            .transpose()?,
        lines: lines_of(conn, id, currency).await?,
        totals,
        refunded: money("refunded_minor")?,
        tracking: tracking
            .map(|t| TrackingNumber::parse(&t).map_err(|e| corrupt("tracking number", e)))
            .transpose()?,
        payment_ref: get(row, "payment_ref")?,
        reserved_until: get(row, "reserved_until")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

async fn lines_of(
    conn: &mut AnyConnection,
    order_id: Uuid,
    currency: Currency,
) -> Result<Vec<OrderLine>, StoreError> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM order_lines l WHERE l.order_id = $1 ORDER BY l.position"
    );
    let found = sqlx::query(&sql)
        .bind(order_id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    found.iter().map(|row| line(row, currency)).collect()
}

fn line(row: &AnyRow, currency: Currency) -> Result<OrderLine, StoreError> {
    let money = |column: &str| -> Result<Money, StoreError> {
        Money::new(get(row, column)?, currency).map_err(|e| corrupt(column, e))
    };
    let sku: String = get(row, "sku")?;
    let quantity: i64 = get(row, "quantity")?;
    Ok(OrderLine {
        variant_id: rows::uuid(row, "variant_id")?,
        product_id: rows::uuid(row, "product_id")?,
        title: get(row, "title")?,
        sku: Sku::parse(&sku).map_err(|e| corrupt("line SKU", e))?,
        unit_price: money("unit_price_minor")?,
        quantity: quantity
            .try_into()
            .map_err(|e| corrupt("line quantity", e))?,
        subtotal: money("subtotal_minor")?,
        discount: money("discount_minor")?,
        tax: money("tax_minor")?,
        total: money("total_minor")?,
    })
}

pub(crate) async fn history(
    conn: &mut AnyConnection,
    order_id: Uuid,
) -> Result<Vec<OrderHistoryEntry>, StoreError> {
    let found = sqlx::query(
        "SELECT e.at, e.actor, e.what, e.from_state, e.to_state, e.note FROM order_events e \
         WHERE e.order_id = $1 ORDER BY e.at, e.id",
    )
    .bind(order_id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    found.iter().map(history_entry).collect()
}

fn history_entry(row: &AnyRow) -> Result<OrderHistoryEntry, StoreError> {
    let state = |raw: &str| OrderState::parse(raw).map_err(|e| corrupt("event state", e));
    let actor: String = get(row, "actor")?;
    let from: Option<String> = get(row, "from_state")?;
    let to: String = get(row, "to_state")?;
    Ok(OrderHistoryEntry {
        at: get(row, "at")?,
        actor: Actor::from_stored(&actor).ok_or_else(|| corrupt("event actor", &actor))?,
        what: get(row, "what")?,
        from: from.as_deref().map(state).transpose()?,
        to: state(&to)?,
        note: get(row, "note")?,
    })
}

/// One history entry to append.
pub(crate) struct NewHistoryEntry<'a> {
    pub order_id: Uuid,
    pub at: i64,
    pub actor: &'a Actor,
    pub what: &'a str,
    pub from: Option<OrderState>,
    pub to: OrderState,
    pub note: Option<&'a str>,
}

pub(crate) async fn append_history(
    conn: &mut AnyConnection,
    entry: NewHistoryEntry<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO order_events (id, order_id, at, actor, what, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(entry.order_id.to_string())
    .bind(entry.at)
    .bind(entry.actor.to_stored())
    .bind(entry.what)
    .bind(entry.from.map(OrderState::as_str))
    .bind(entry.to.as_str())
    .bind(entry.note)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
