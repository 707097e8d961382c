-- 014_pv_queue: the review queue's order as a key of its own, so the queue
-- reads an index newest-first and stops at the page like every other list
-- (SPEC §9 Volume) instead of sorting every partner voucher.  The queue
-- shows what waits for a decision first, oldest first, then the rest,
-- newest first: queue_key is 2^41 - id while pending and id once decided
-- (partner_voucher.c keeps it; a generated column cannot name the
-- AUTO_INCREMENT id), read in descending order.
ALTER TABLE partner_vouchers ADD COLUMN queue_key BIGINT UNSIGNED NOT NULL DEFAULT 0;
UPDATE partner_vouchers
  SET queue_key = IF(approval = 'pending_review', 2199023255552 - id, id);
ALTER TABLE partner_vouchers ADD KEY k_pv_queue (queue_key),
  ADD KEY k_pv_partner_queue (partner_uin, queue_key);
