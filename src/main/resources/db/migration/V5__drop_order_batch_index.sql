-- ix_order_batch (batch_id, state) was a fifth B-tree written for every stored line and rewritten on
-- every state change. On H2, storing a 200,000-line file took a median 9.6 s with it and 8.8 s
-- without (in-process intake, -Xmx256m, 7 and 11 runs). Every query by batch now walks uq_order_line (batch_id, line_no)
-- in input order: the submit split pages by line_no, the finish check starts from the first line it
-- last saw open (terminal states are never left), the result and acknowledgement read in line order.
DROP INDEX ix_order_batch;
