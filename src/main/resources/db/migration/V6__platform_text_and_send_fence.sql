-- What the platform says is stored without a length trap: a long zt, a long platform order number
-- or a charge answer carrying a QR image no longer makes a group's update fail (values longer than
-- these are cut with a marker by the bridge, see OrderStore.Column). The outbox payload carries the
-- same data. sent_at is when the current attempt's send began (the fence before a send): a query
-- that was asked before it can never move the order.
ALTER TABLE payment_order ALTER COLUMN platform_data SET DATA TYPE VARCHAR(1000000);
ALTER TABLE payment_order ALTER COLUMN platform_status SET DATA TYPE VARCHAR(255);
ALTER TABLE payment_order ALTER COLUMN platform_order_no SET DATA TYPE VARCHAR(255);
ALTER TABLE payment_order ALTER COLUMN reason SET DATA TYPE VARCHAR(4000);
ALTER TABLE outbox_event ALTER COLUMN payload SET DATA TYPE VARCHAR(1048576);
ALTER TABLE outbox_event ALTER COLUMN last_error SET DATA TYPE VARCHAR(4000);
ALTER TABLE payment_order ADD COLUMN sent_at TIMESTAMP;
