-- A batch file is stored a chunk of lines per commit (BatchStore.store), no longer in one
-- transaction: a month-end file of a million lines made one transaction H2 wrote out twice (its
-- pages while it was open, then again at the commit) and PostgreSQL held open for minutes. While
-- its lines go in, the batch row is STORING, and storing_until is the lease its storer renews at
-- every chunk; no order of a batch that is not OPEN can be claimed for sending (OrderStore.claimOrders).
-- A file refused half-way, or a storer that crashed (its lease ran out), leaves the batch ABANDONED
-- until its rows are deleted: nothing of it was ever sent.
ALTER TABLE batch ADD COLUMN storing_until TIMESTAMP;
