-- Intake finds an orderNo repeated within a batch in SQL once every line is stored (no step of
-- intake holds a whole month-end file); this index keeps that a lookup per line.
CREATE INDEX ix_order_batch_order_no ON payment_order (batch_id, order_no);
