-- H2 only. H2 hands out identity values from a cache of 32 by default, and each time the cache
-- runs out it stores the sequence in a transaction of its own: with WRITE_DELAY=0 (see the default
-- URL) that is a full store of every changed page, the open intake transaction's included. A
-- 200,000-line file did that 6,250 times, and it was half of the inserting thread's time. With a
-- cache of 10,000 it happens 20 times. A crash loses at most the unused rest of the cache: a gap in
-- the ids, which mean nothing (orders are found by batch and line, and by order number).
ALTER TABLE payment_order ALTER COLUMN id SET CACHE 10000;
