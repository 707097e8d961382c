-- 002_pickup: pickup cards (提货卡, seed 004), the orders they create, the
-- instances they provision, and the failed-attempt counter shared by all
-- workers for brute-force limits (SPEC §2).

-- Lines (线路) and the operating systems each offers.  A line may charge a
-- monthly Windows surcharge that the card (Linux price only) does not cover.
CREATE TABLE server_lines (
  code                 VARCHAR(32) NOT NULL PRIMARY KEY,
  name                 VARCHAR(64) NOT NULL,
  windows_surcharge    BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- cents per month
  sort                 INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE line_os (
  line                 VARCHAR(32) NOT NULL,
  code                 VARCHAR(32) NOT NULL,
  name                 VARCHAR(64) NOT NULL,
  family               ENUM('linux', 'windows') NOT NULL,
  sort                 INT NOT NULL DEFAULT 0,
  PRIMARY KEY (line, code),
  CONSTRAINT fk_line_os_line FOREIGN KEY (line) REFERENCES server_lines (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO server_lines (code, name, windows_surcharge, sort) VALUES
  ('hk', '香港', 5000, 1),
  ('sh', '上海', 0, 2),
  ('us', '美国洛杉矶', 8000, 3);

INSERT INTO line_os (line, code, name, family, sort) VALUES
  ('hk', 'centos79', 'CentOS 7.9', 'linux', 1),
  ('hk', 'ubuntu2204', 'Ubuntu 22.04', 'linux', 2),
  ('hk', 'debian12', 'Debian 12', 'linux', 3),
  ('hk', 'win2019', 'Windows Server 2019', 'windows', 4),
  ('hk', 'win2022', 'Windows Server 2022', 'windows', 5),
  ('sh', 'ubuntu2204', 'Ubuntu 22.04', 'linux', 1),
  ('sh', 'debian12', 'Debian 12', 'linux', 2),
  ('sh', 'win2022', 'Windows Server 2022', 'windows', 3),
  ('us', 'ubuntu2204', 'Ubuntu 22.04', 'linux', 1),
  ('us', 'debian12', 'Debian 12', 'linux', 2),
  ('us', 'win2022', 'Windows Server 2022', 'windows', 3);

CREATE TABLE pickup_batches (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  label                VARCHAR(100) NOT NULL DEFAULT '',
  product              ENUM('cvm', 'vhost', 'baremetal') NOT NULL,
  name                 VARCHAR(100) NOT NULL,
  line                 VARCHAR(32) NOT NULL,
  cpu                  INT UNSIGNED NOT NULL,
  memory_gb            INT UNSIGNED NOT NULL,
  disk_gb              INT UNSIGNED NOT NULL,
  bandwidth_mbps       INT UNSIGNED NOT NULL,
  months               INT UNSIGNED NOT NULL,
  price                BIGINT UNSIGNED NOT NULL,             -- cents, the Linux price
  total                INT UNSIGNED NOT NULL,              -- used is counted, never stored
  valid_months         INT UNSIGNED NULL,                    -- set when given as a duration
  valid_to             DATETIME NOT NULL,                    -- UTC, end of validity
  status               ENUM('normal', 'disabled') NOT NULL DEFAULT 'normal',
  created_by           BIGINT UNSIGNED NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY k_batches_product (product, status),
  CONSTRAINT fk_batches_line FOREIGN KEY (line) REFERENCES server_lines (code),
  CONSTRAINT fk_batches_admin FOREIGN KEY (created_by) REFERENCES admins (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A card is 'used' from the moment an order claims it; if that order is
-- cancelled (a surcharge left unpaid) the card returns to 'unused'.  A used
-- card is the pick-up's usage record (ID, batch, card, UIN, time, order).
CREATE TABLE pickup_cards (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  batch_id             BIGINT UNSIGNED NOT NULL,
  code                 CHAR(16) CHARACTER SET ascii NOT NULL,
  status               ENUM('unused', 'used', 'disabled') NOT NULL DEFAULT 'unused',
  uin                  BIGINT UNSIGNED NULL,
  used_at              DATETIME NULL,
  order_id             BIGINT UNSIGNED NULL,
  UNIQUE KEY uk_cards_code (code),
  KEY k_cards_batch (batch_id, id),
  KEY k_cards_batch_status (batch_id, status),
  KEY k_cards_used (status, used_at),
  KEY k_cards_uin (uin, used_at),
  CONSTRAINT fk_cards_batch FOREIGN KEY (batch_id) REFERENCES pickup_batches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Orders, as the host billing system keeps them; kaquan creates the ones a
-- pickup card pays for.  amount = card part + voucher part + cash.
CREATE TABLE orders (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uin                  BIGINT UNSIGNED NOT NULL,
  product              VARCHAR(32) NOT NULL,
  billing              ENUM('prepaid', 'postpaid') NOT NULL DEFAULT 'prepaid',
  scenario             VARCHAR(32) NOT NULL DEFAULT 'purchase',
  months               INT UNSIGNED NOT NULL DEFAULT 0,
  amount               BIGINT UNSIGNED NOT NULL,
  card_amount          BIGINT UNSIGNED NOT NULL DEFAULT 0,
  voucher_amount       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  cash                 BIGINT UNSIGNED NOT NULL DEFAULT 0,
  card_id              BIGINT UNSIGNED NULL,
  description          VARCHAR(200) NOT NULL DEFAULT '',
  status               ENUM('pending', 'confirmed', 'awaiting_payment', 'paid',
                            'cancelled', 'refunded') NOT NULL DEFAULT 'pending',
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  paid_at              DATETIME NULL,
  closed_at            DATETIME NULL,
  KEY k_orders_uin (uin, id),
  CONSTRAINT fk_orders_account FOREIGN KEY (uin) REFERENCES accounts (uin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a pick-up provisions.  This table is the provisioning outbox: a row
-- is written in the pick-up's transaction, 'held' while the order still has
-- cash due, 'pending' once it is requested; the host platform (kaquanctl
-- provision in the demo) takes pending rows and makes them 'active'.
CREATE TABLE provision_outbox (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uin                  BIGINT UNSIGNED NOT NULL,
  order_id             BIGINT UNSIGNED NOT NULL,
  product              VARCHAR(16) NOT NULL,
  line                 VARCHAR(32) NOT NULL,
  os                   VARCHAR(32) NULL,
  cpu                  INT UNSIGNED NOT NULL,
  memory_gb            INT UNSIGNED NOT NULL,
  disk_gb              INT UNSIGNED NOT NULL,
  bandwidth_mbps       INT UNSIGNED NOT NULL,
  months               INT UNSIGNED NOT NULL,
  status               ENUM('held', 'pending', 'active', 'cancelled') NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  activated_at         DATETIME NULL,
  UNIQUE KEY uk_outbox_order (order_id),
  KEY k_outbox_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed attempts with unknown codes, per account and per client IP.
CREATE TABLE failed_attempts (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind                 ENUM('pickup', 'redeem') NOT NULL,
  uin                  BIGINT UNSIGNED NOT NULL,
  client_ip            VARCHAR(45) NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY k_failed_uin (uin, created_at),
  KEY k_failed_ip (client_ip, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
