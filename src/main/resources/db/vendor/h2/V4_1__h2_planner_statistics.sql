-- H2 only (spring.flyway.locations adds classpath:db/vendor/{vendor}). H2 chooses a statement's
-- index once, when the statement is first prepared on a pooled connection, from the statistics of
-- that moment; a fresh database has none, and H2 then takes every column to be 50 % distinct. The
-- claim (UPDATE ... WHERE id = ? AND state = 'NEW') was planned on ix_order_due (state, ...) and
-- walked every NEW order of a 200,000-line batch for each claim: 20 claims a second instead of
-- hundreds. These are the statistics ANALYZE finds on any real load (a handful of states, kinds
-- and batches over many rows); H2's automatic ANALYZE refines them as rows arrive.
ALTER TABLE payment_order ALTER COLUMN state SELECTIVITY 1;
ALTER TABLE payment_order ALTER COLUMN kind SELECTIVITY 1;
ALTER TABLE payment_order ALTER COLUMN batch_id SELECTIVITY 1;
ALTER TABLE outbox_event ALTER COLUMN state SELECTIVITY 1;
