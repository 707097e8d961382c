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

-- Codes at rest (SPEC §7, core/codekey.h): a copy of the database alone
-- redeems nothing.  A code's row keeps its keyed hash for look-up, its last
-- four for display and the version of the key; the whole codes are sealed
-- in blocks (code_seals) for the audited downloads.  kaquanctl migrate
-- moves the codes of existing rows there before 011 drops the plain ones.
ALTER TABLE vouchers
  ADD COLUMN code_hash BINARY(16) NULL AFTER code,
  ADD COLUMN code_kv INT UNSIGNED NULL AFTER code_hash,
  ADD COLUMN code_last4 CHAR(4) CHARACTER SET ascii NULL AFTER code_kv,
  ADD UNIQUE KEY uk_vouchers_code_hash (code_hash);
ALTER TABLE pickup_cards
  MODIFY code CHAR(16) CHARACTER SET ascii NULL,
  ADD COLUMN code_hash BINARY(16) NULL AFTER code,
  ADD COLUMN code_kv INT UNSIGNED NULL AFTER code_hash,
  ADD COLUMN code_last4 CHAR(4) CHARACTER SET ascii NULL AFTER code_kv,
  ADD UNIQUE KEY uk_cards_code_hash (code_hash);
-- The codes of a batch of cards or an issue (the owner), up to 1024 a
-- block, each beside its row's id, sealed under the key of code_kv with
-- the kind, owner and id range as associated data.
CREATE TABLE code_seals (
  kind                 ENUM('voucher', 'card') NOT NULL,
  owner                BIGINT UNSIGNED NOT NULL,
  first_id             BIGINT UNSIGNED NOT NULL,
  last_id              BIGINT UNSIGNED NOT NULL,
  code_kv              INT UNSIGNED NOT NULL,
  sealed               MEDIUMBLOB NOT NULL,
  PRIMARY KEY (kind, owner, first_id),
  KEY k_code_seals_kv (kind, code_kv)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A sealed code is bound to its row's id, so a batch must know its ids
-- before it writes them (core/ids.h): from here on every row of these two
-- tables takes its id from a counter, not from AUTO_INCREMENT.
CREATE TABLE id_blocks (
  name                 VARCHAR(32) NOT NULL PRIMARY KEY,
  next_id              BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
INSERT INTO id_blocks (name, next_id)
  SELECT 'vouchers', COALESCE(MAX(id), 0) + 1 FROM vouchers UNION ALL
  SELECT 'pickup_cards', COALESCE(MAX(id), 0) + 1 FROM pickup_cards;
