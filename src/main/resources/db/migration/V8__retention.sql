-- Housekeeping (route housekeeping, bridge.retention.*) deletes the delivered events of a finished
-- batch and checks that none of its events is still to deliver: both look events up by batch_id.
-- Without this index each such look walked the whole outbox, which holds one or two events per
-- order ever stored. Batches are found by state and finished_at (one row per file: no index needed);
-- orders by batch through uq_order_line (batch_id, line_no); file claims by processorName, the
-- first column of their primary key.
CREATE INDEX ix_outbox_batch ON outbox_event (batch_id);
