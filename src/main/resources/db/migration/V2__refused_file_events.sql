-- A file refused as a whole (unreadable, over a limit, duplicate content) stores no batch, but the
-- ERP must still be notified of it through the durable outbox: such events have no batch id.
ALTER TABLE outbox_event ALTER COLUMN batch_id DROP NOT NULL;
