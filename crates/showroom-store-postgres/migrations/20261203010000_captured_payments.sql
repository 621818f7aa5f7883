-- A payment the provider captured, marked on its order before the order is recorded as paid
-- (Unix ms). A pending order with this mark was charged: when its hold ends, the sweeper
-- records it as paid (mail and history as for any payment) instead of releasing its stock.
ALTER TABLE orders ADD COLUMN captured_at BIGINT;
