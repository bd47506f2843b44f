-- V6 changes column types, which H2 does by copying the table: the planner statistics and the id
-- cache of V4_1 and V5_1 are set again (see those files for why H2 needs them).
ALTER TABLE payment_order ALTER COLUMN state SELECTIVITY 1;
ALTER TABLE payment_order ALTER COLUMN kind SELECTIVITY 1;
ALTER TABLE payment_order ALTER COLUMN batch_id SELECTIVITY 1;
ALTER TABLE outbox_event ALTER COLUMN state SELECTIVITY 1;
ALTER TABLE payment_order ALTER COLUMN id SET CACHE 10000;
