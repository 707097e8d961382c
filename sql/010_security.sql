-- 010_security: what issue 25's review asked for (SPEC §7).
--
-- API scopes separate reading from changing: a key made with "orders" may
-- read and change orders, so it keeps both halves; "vouchers" likewise.
UPDATE api_keys SET scopes = TRIM(BOTH ',' FROM
  REPLACE(REPLACE(CONCAT(',', scopes, ','),
    ',orders,', ',orders:read,orders:write,'),
    ',vouchers,', ',vouchers:read,vouchers:issue,'));

-- A POST's signature works once (SPEC §7): each good one is remembered
-- while its timestamp could be good (kaquanctl sweep forgets older ones),
-- so a copy of a captured request is refused on every worker and host.
CREATE TABLE api_signatures (
  signature            BINARY(32) NOT NULL PRIMARY KEY,
  api_key              BIGINT UNSIGNED NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY k_api_signatures_age (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- An answer is stored in the transaction of the change it answers, and may
-- hold any text (a voucher's name in Chinese): the column was ascii, so
-- such an answer was never stored and its key stayed 'running'.
ALTER TABLE api_idempotency
  MODIFY response MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;

-- Cash is paid only through the gateway (SPEC §7): what it recorded paid,
-- and what a refund returned, which is never more.  Orders paid before
-- this were paid their cash due.
ALTER TABLE orders
  ADD COLUMN paid_cash BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER cash,
  ADD COLUMN refunded_cash BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER paid_cash;
UPDATE orders SET paid_cash = cash WHERE status IN ('paid', 'refunded');
UPDATE orders SET refunded_cash = cash WHERE status = 'refunded';
