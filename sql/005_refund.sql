-- 005_refund: refunds become a request the member makes and finance
-- decides (SPEC §5, issue 9).  An order's refund is 'none' until the member
-- asks ('requested', with a reason); finance approves (the order becomes
-- 'refunded', refund 'approved') or rejects with a reason ('rejected'; the
-- member may ask again).  A refund finance makes without a request is
-- 'approved' too.

ALTER TABLE orders
  ADD COLUMN refund ENUM('none', 'requested', 'approved', 'rejected') NOT NULL
    DEFAULT 'none' AFTER status,
  ADD COLUMN refund_reason VARCHAR(200) NOT NULL DEFAULT '' AFTER refund,
  ADD COLUMN refund_note VARCHAR(200) NOT NULL DEFAULT '' AFTER refund_reason,
  ADD COLUMN refund_requested_at DATETIME NULL AFTER refund_note,
  ADD KEY k_orders_refund (refund, id);
