-- 012_volume: the indexes the lists read in order and stop at the page
-- (SPEC §9 Volume).  Each list picks the one its filter names (newest
-- first: the index's implicit id, or the time then the id); added online.
ALTER TABLE vouchers ADD KEY k_vouchers_state (status, id);
ALTER TABLE orders ADD KEY k_orders_state (status, id);
-- a batch's used cards by time (its used count reads the same prefix)
ALTER TABLE pickup_cards DROP KEY k_cards_batch_status,
  ADD KEY k_cards_batch_used (batch_id, status, used_at);
ALTER TABLE audit_log ADD KEY k_audit_action (action, id),
  ADD KEY k_audit_actor (actor_login, id);
-- an issue's redeemed and used vouchers, kept as a batch's cards are
-- (voucher.c, in the transaction that redeems or spends one)
CREATE TABLE voucher_issue_counts (
  issue_id  BIGINT UNSIGNED NOT NULL,
  slot      TINYINT UNSIGNED NOT NULL,
  redeemed  INT NOT NULL DEFAULT 0,
  used      INT NOT NULL DEFAULT 0,
  PRIMARY KEY (issue_id, slot)
) ENGINE=InnoDB;
INSERT INTO voucher_issue_counts (issue_id, slot, redeemed, used)
  SELECT issue_id, id MOD 16, SUM(activated_at IS NOT NULL), SUM(status = 'used')
  FROM vouchers WHERE issue_id IS NOT NULL GROUP BY issue_id, id MOD 16;
-- an account's vouchers of a stored status, newest first (My Vouchers by
-- status, the order's candidates)
ALTER TABLE vouchers DROP KEY k_vouchers_uin, ADD KEY k_vouchers_uin (uin, status, id);
-- a batch's used and disabled cards, kept by the statements that change a
-- card (pickup.c) in COUNT_SLOTS rows a batch (a card's id modulo 16), so
-- that pick-ups of one batch do not queue on one row; a batch's figure is
-- the sum of its rows, never a count of its cards
CREATE TABLE pickup_batch_counts (
  batch_id  BIGINT UNSIGNED NOT NULL,
  slot      TINYINT UNSIGNED NOT NULL,
  used      INT NOT NULL DEFAULT 0,
  disabled  INT NOT NULL DEFAULT 0,
  PRIMARY KEY (batch_id, slot)
) ENGINE=InnoDB;
INSERT INTO pickup_batch_counts (batch_id, slot, used, disabled)
  SELECT batch_id, id MOD 16, SUM(status = 'used'), SUM(status = 'disabled')
  FROM pickup_cards GROUP BY batch_id, id MOD 16;
