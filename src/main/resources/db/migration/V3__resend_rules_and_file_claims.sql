-- How many "order not found" answers an order in SUBMITTING has had since its last send: a
-- resend needs more than one, spaced apart, so a platform that is slow to index a new order
-- is not mistaken for one that never received it.
ALTER TABLE payment_order ADD COLUMN not_found_answers INT DEFAULT 0 NOT NULL;

-- Camel's JDBC idempotent repository: inbox files claimed by one instance (fileClaims bean).
CREATE TABLE CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255) NOT NULL,
    messageId     VARCHAR(400) NOT NULL,
    createdAt     TIMESTAMP,
    PRIMARY KEY (processorName, messageId)
);

-- A batch whose orders are all final is claimed by one instance for writing its result file.
ALTER TABLE batch ADD COLUMN finish_claim_until TIMESTAMP;
