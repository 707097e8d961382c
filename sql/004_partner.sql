-- 004_partner: partner (reseller) vouchers, seeds 002 and 003, SPEC §6.
--
-- A partner is an account marked partner = 1; its customers name it in
-- reseller_uin.  Partner voucher templates (for Type II applications) and
-- customer voucher templates (discount) are voucher_templates rows of kind
-- 'partner' / 'customer' owned by the partner.  Customer vouchers (Type III)
-- are ordinary vouchers of the customer, marked with their purpose and the
-- partner who bears them; partner vouchers (Type I, II) have their own table
-- and ledger, never visible to customers.  A partner charge is the line the
-- partner owes the platform for a customer's paid order.

ALTER TABLE accounts
  ADD COLUMN partner TINYINT(1) NOT NULL DEFAULT 0 AFTER reseller_uin,
  -- 关联代金券优先抵扣 (seed 003: on by default)
  ADD COLUMN associated_first TINYINT(1) NOT NULL DEFAULT 1 AFTER partner,
  ADD KEY k_accounts_reseller (reseller_uin, uin);

ALTER TABLE voucher_templates
  ADD COLUMN kind ENUM('platform', 'partner', 'customer') NOT NULL
    DEFAULT 'platform' AFTER id,
  ADD COLUMN owner_uin BIGINT UNSIGNED NULL AFTER kind,
  ADD KEY k_templates_owner (owner_uin, kind, id);

ALTER TABLE vouchers
  MODIFY issue_id BIGINT UNSIGNED NULL,          -- NULL: issued by a partner
  ADD COLUMN purpose ENUM('discount', 'trial') NULL AFTER uin,
  ADD COLUMN partner_uin BIGINT UNSIGNED NULL AFTER purpose,
  ADD COLUMN partner_voucher_id BIGINT UNSIGNED NULL AFTER partner_uin,
  ADD KEY k_vouchers_partner (partner_uin, id),
  ADD KEY k_vouchers_associated (partner_voucher_id);

CREATE TABLE partner_vouchers (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type                 ENUM('partner_1', 'partner_2') NOT NULL,
  partner_uin          BIGINT UNSIGNED NOT NULL,
  customer_uin         BIGINT UNSIGNED NULL,             -- Type II: the one customer
  template_id          BIGINT UNSIGNED NULL,             -- Type II: its template
  approval             ENUM('none', 'pending_review', 'approved', 'rejected',
                            'cancelled') NOT NULL,
  -- unactivated until approved; 'expired' is also shown past valid_to
  status               ENUM('unactivated', 'available', 'used', 'expired',
                            'invalidated') NOT NULL,
  face                 BIGINT UNSIGNED NOT NULL,
  balance              BIGINT UNSIGNED NOT NULL,
  -- the rules, copied from the template at application (seed 002: "based
  -- on the list at the time of approval") or entered by the admin (Type I)
  name                 VARCHAR(100) NOT NULL,
  scope                ENUM('include', 'exclude') NOT NULL,
  products             VARCHAR(500) NOT NULL DEFAULT '',
  billing              VARCHAR(40) NOT NULL DEFAULT 'prepaid',
  min_amount           BIGINT UNSIGNED NOT NULL DEFAULT 0,
  valid_days           INT UNSIGNED NOT NULL,            -- from approval / issue
  valid_from           DATETIME NULL,
  valid_to             DATETIME NULL,
  reason               VARCHAR(500) NOT NULL DEFAULT '', -- of a rejection
  created_by           VARCHAR(80) NOT NULL,
  reviewed_by          VARCHAR(80) NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  reviewed_at          DATETIME NULL,
  KEY k_pv_partner (partner_uin, id),
  KEY k_pv_pick (partner_uin, status, valid_to),
  KEY k_pv_review (approval, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Usage details of a partner voucher: every change of its balance or
-- status, deductions with the order and the customer.
CREATE TABLE partner_ledger (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  voucher_id           BIGINT UNSIGNED NOT NULL,
  kind                 VARCHAR(24) NOT NULL,
  order_id             BIGINT UNSIGNED NULL,
  customer_uin         BIGINT UNSIGNED NULL,
  amount               BIGINT NOT NULL DEFAULT 0,        -- negative when deducted
  balance              BIGINT UNSIGNED NOT NULL,         -- after the change
  status               VARCHAR(16) NOT NULL,
  actor                VARCHAR(80) NOT NULL,
  created_at           DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY k_pledger_voucher (voucher_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 代付账单行: what the partner owes the platform for a customer's order.
CREATE TABLE partner_charges (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  partner_uin          BIGINT UNSIGNED NOT NULL,
  customer_uin         BIGINT UNSIGNED NOT NULL,
  order_id             BIGINT UNSIGNED NOT NULL,
  product              VARCHAR(32) NOT NULL,
  billing              VARCHAR(16) NOT NULL,
  scenario             VARCHAR(32) NOT NULL,
  amount               BIGINT UNSIGNED NOT NULL,         -- = the order amount
  voucher_id           BIGINT UNSIGNED NULL,             -- the partner voucher
  voucher_amount       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  cash                 BIGINT UNSIGNED NOT NULL,
  status               ENUM('charged', 'refunded') NOT NULL DEFAULT 'charged',
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  refunded_at          DATETIME NULL,
  UNIQUE KEY uk_charges_order (order_id),
  KEY k_charges_partner (partner_uin, id),
  KEY k_charges_customer (partner_uin, customer_uin, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
