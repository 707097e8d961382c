-- 013_pickup_uses: the usage records of SPEC §4 in a table of their own
-- (pickup.c writes it in the pick-up's transaction and deletes the row
-- when a card goes back to unused), so a card carries no index of its use:
-- a 100,000-card batch writes its rows, their codes' hashes and their
-- batch (SPEC §9: <= 1.5 s), where it also wrote three indexes of who
-- used them and when, all empty until a pick-up.
--
-- seq orders the uses: the second of use since 1970 shifted left 24 bits,
-- with the low 24 bits of the order's id (of the card's where a use has no
-- order), so it is unique (16.7 million pick-ups in one second would be
-- needed to repeat one), its high bits are the time (a day's range is a
-- range of seq), and the usage list's cursor is one number.
CREATE TABLE pickup_uses (
  seq       BIGINT UNSIGNED NOT NULL,
  card_id   BIGINT UNSIGNED NOT NULL,
  batch_id  BIGINT UNSIGNED NOT NULL,
  uin       BIGINT UNSIGNED NOT NULL,
  order_id  BIGINT UNSIGNED NULL,
  used_at   DATETIME NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uk_uses_card (card_id),
  KEY k_uses_batch (batch_id, seq),
  KEY k_uses_uin (uin, seq)
) ENGINE=InnoDB;
INSERT INTO pickup_uses (seq, card_id, batch_id, uin, order_id, used_at)
  SELECT (TIMESTAMPDIFF(SECOND, '1970-01-01', used_at) << 24)
         | (COALESCE(order_id, id) & 16777215), id, batch_id, uin, order_id, used_at
  FROM pickup_cards WHERE status = 'used';
ALTER TABLE pickup_cards DROP KEY k_cards_used, DROP KEY k_cards_uin,
  DROP KEY k_cards_batch_used;
