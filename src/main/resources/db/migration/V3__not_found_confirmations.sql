-- How many "order not found" answers an order in SUBMITTING has had since its last send: a
-- resend needs more than one, spaced apart, so a platform that is slow to index a new order
-- is not mistaken for one that never received it.
ALTER TABLE payment_order ADD COLUMN not_found_answers INT DEFAULT 0 NOT NULL;
