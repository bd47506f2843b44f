-- When the platform's successUrl/failUrl was last accepted for an order, and which of the two.
-- A callback URL works once per order: a second call is a replay and is refused, so a leaked
-- URL can make us query the platform at most once more. The outcome is kept for operators only;
-- it never changes the order's state (only getwithdraw/getcharge answers do).
ALTER TABLE payment_order ADD COLUMN callback_at TIMESTAMP;
ALTER TABLE payment_order ADD COLUMN callback_outcome VARCHAR(8);
