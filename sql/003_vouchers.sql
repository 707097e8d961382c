-- 003_vouchers: the product catalog of SPEC §3 (seed 000), voucher
-- templates, issues, vouchers and their ledger (SPEC §5, seeds 000 and 001).

CREATE TABLE products (
  code                 VARCHAR(32) NOT NULL PRIMARY KEY,
  name                 VARCHAR(64) NOT NULL,
  general              TINYINT(1) NOT NULL,      -- covered by 通用 vouchers
  has_duration         TINYINT(1) NOT NULL,      -- sold by months
  sort                 INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The scenarios in which a voucher may pay for a product at all, and the
-- billing mode they need.
CREATE TABLE product_scenarios (
  product              VARCHAR(32) NOT NULL,
  scenario             VARCHAR(32) NOT NULL,
  billing              ENUM('prepaid', 'postpaid') NOT NULL DEFAULT 'prepaid',
  PRIMARY KEY (product, scenario, billing),
  CONSTRAINT fk_ps_product FOREIGN KEY (product) REFERENCES products (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO products (code, name, general, has_duration, sort) VALUES
  ('cvm', '云服务器', 1, 1, 1),
  ('cdb_mysql', '云数据库(MySQL)', 1, 1, 2),
  ('cdb_sqlserver', '云数据库(SQL Server)', 1, 1, 3),
  ('tdsql', '云数据库(TDSQL)', 1, 1, 4),
  ('redis', '云存储Redis', 1, 1, 5),
  ('cbs', '云硬盘', 1, 1, 6),
  ('mongodb', 'MongoDB', 1, 1, 7),
  ('cdn_pack', 'CDN流量包', 1, 0, 8),
  ('domain', '域名注册', 0, 1, 9),
  ('nlp', '文智', 1, 1, 10),
  ('gametest', '游戏兼容性测试', 1, 0, 11),
  ('marketplace', '服务市场', 1, 0, 12),
  ('bgp_ddos_pack', 'BGP高防服务包', 1, 1, 13),
  ('bgp_multi_pack', 'BGP多地联防服务包', 1, 1, 14);

INSERT INTO product_scenarios (product, scenario) VALUES
  ('cvm', 'purchase'), ('cvm', 'renew'),
  ('cdb_mysql', 'purchase'), ('cdb_mysql', 'renew'),
  ('cdb_sqlserver', 'purchase'), ('cdb_sqlserver', 'renew'),
  ('tdsql', 'purchase'), ('tdsql', 'renew'),
  ('redis', 'purchase'), ('redis', 'renew'),
  ('cbs', 'purchase'), ('cbs', 'renew'),
  ('mongodb', 'purchase'), ('mongodb', 'renew'),
  ('cdn_pack', 'purchase'),
  ('domain', 'register'), ('domain', 'first_year'), ('domain', 'transfer_in'),
  ('domain', 'renew'),
  ('nlp', 'purchase'),
  ('gametest', 'purchase'),
  ('marketplace', 'purchase'),
  ('bgp_ddos_pack', 'purchase'),
  ('bgp_multi_pack', 'purchase');

CREATE TABLE voucher_templates (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name                 VARCHAR(100) NOT NULL,
  face                 BIGINT UNSIGNED NOT NULL,                 -- cents
  balance_mode         ENUM('single_use', 'carry_over') NOT NULL,
  scope                ENUM('all', 'include', 'exclude') NOT NULL,
  products             VARCHAR(500) NOT NULL DEFAULT '',         -- comma list
  scenarios            VARCHAR(300) NOT NULL DEFAULT '',         -- comma list, '' = any eligible
  billing              VARCHAR(40) NOT NULL DEFAULT 'prepaid',   -- comma list
  min_amount           BIGINT UNSIGNED NOT NULL DEFAULT 0,
  min_months           INT UNSIGNED NOT NULL DEFAULT 0,
  valid_from           DATETIME NULL,                            -- fixed dates, or
  valid_to             DATETIME NULL,
  valid_days           INT UNSIGNED NULL,                        -- days from issue
  issued               INT UNSIGNED NOT NULL DEFAULT 0,          -- locks editing
  created_by           BIGINT UNSIGNED NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP()
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE voucher_issues (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  template_id          BIGINT UNSIGNED NOT NULL,
  mode                 ENUM('targeted', 'codes') NOT NULL,
  paper                TINYINT(1) NOT NULL DEFAULT 0,
  count                INT UNSIGNED NOT NULL,
  report               TEXT NOT NULL,                 -- per-UIN outcome of a targeted issue
  created_by           BIGINT UNSIGNED NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  CONSTRAINT fk_issues_template FOREIGN KEY (template_id) REFERENCES voucher_templates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status holds what was decided; 'expired' is also shown for any voucher
-- past valid_to before a sweep writes it.
CREATE TABLE vouchers (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  template_id          BIGINT UNSIGNED NOT NULL,
  issue_id             BIGINT UNSIGNED NOT NULL,
  code                 CHAR(18) CHARACTER SET ascii NULL,
  uin                  BIGINT UNSIGNED NULL,
  face                 BIGINT UNSIGNED NOT NULL,
  balance              BIGINT UNSIGNED NOT NULL,
  status               ENUM('unactivated', 'available', 'frozen', 'used',
                            'expired', 'invalidated', 'withdrawn') NOT NULL,
  order_id             BIGINT UNSIGNED NULL,             -- frozen for this order
  valid_from           DATETIME NOT NULL,
  valid_to             DATETIME NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  activated_at         DATETIME NULL,
  UNIQUE KEY uk_vouchers_code (code),
  KEY k_vouchers_uin (uin, status, valid_to),
  KEY k_vouchers_mine (uin, id),
  KEY k_vouchers_issue (issue_id, id),
  KEY k_vouchers_template (template_id, id),
  KEY k_vouchers_status (status, valid_to),
  CONSTRAINT fk_vouchers_template FOREIGN KEY (template_id) REFERENCES voucher_templates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 收支明细: every change of a voucher's balance or status.
CREATE TABLE voucher_ledger (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  voucher_id           BIGINT UNSIGNED NOT NULL,
  kind                 VARCHAR(24) NOT NULL,     -- issue, activate, freeze, release, deduct, expire, invalidate
  order_id             BIGINT UNSIGNED NULL,
  amount               BIGINT NOT NULL DEFAULT 0,        -- cents, negative when deducted
  balance              BIGINT UNSIGNED NOT NULL,         -- after the change
  status               VARCHAR(16) NOT NULL,             -- after the change
  actor                VARCHAR(80) NOT NULL,
  created_at           DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY k_ledger_voucher (voucher_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE orders
  ADD COLUMN voucher_id BIGINT UNSIGNED NULL AFTER card_id,
  ADD COLUMN pay_by DATETIME NULL AFTER closed_at,
  ADD KEY k_orders_status (status, pay_by),
  ADD KEY k_orders_due (uin, status, pay_by);
