-- The inbox file a batch was stored from, as the intake routes claim it (idempotent key:
-- <inbox>/<name>-<size>-<mtime>). A crash after the intake commit and before the file's move to
-- .done/ reads the file again: the same kind, content hash and key mean "this very file was
-- stored", and intake only acknowledges it again and moves it, instead of refusing a duplicate.
-- NULL for batches stored before this column, and for batches stored without a file key.
ALTER TABLE batch ADD COLUMN file_key VARCHAR(400);
