-- 001_init: accounts, login users, admins, sessions, audit log.
-- All times are UTC (the connection sets time_zone = '+00:00').

CREATE TABLE accounts (
  uin           BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  name          VARCHAR(100) NOT NULL,
  reseller_uin  BIGINT UNSIGNED NULL,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  CONSTRAINT fk_accounts_reseller FOREIGN KEY (reseller_uin) REFERENCES accounts (uin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Login users of a member account: the owner (创建者) and collaborators (协作者).
CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uin           BIGINT UNSIGNED NOT NULL,
  login         VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  is_owner      TINYINT(1) NOT NULL DEFAULT 0,
  finance       TINYINT(1) NOT NULL DEFAULT 0,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uk_users_login (login),
  KEY k_users_uin (uin),
  CONSTRAINT fk_users_account FOREIGN KEY (uin) REFERENCES accounts (uin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE admins (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login         VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role          ENUM('admin', 'viewer') NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY uk_admins_login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The cookie holds a 256-bit random token; only its SHA-256 is stored, so a
-- copy of this table does not log anyone in.
CREATE TABLE sessions (
  token_hash    BINARY(32) NOT NULL PRIMARY KEY,
  kind          ENUM('member', 'admin') NOT NULL,
  principal_id  BIGINT UNSIGNED NOT NULL,
  csrf          CHAR(64) NOT NULL,
  created_at    DATETIME NOT NULL,
  last_seen_at  DATETIME NOT NULL,
  KEY k_sessions_principal (kind, principal_id),
  KEY k_sessions_seen (last_seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TABLE audit_log (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  actor_kind    ENUM('admin', 'member', 'system') NOT NULL,
  actor_id      BIGINT UNSIGNED NULL,
  actor_login   VARCHAR(64) NOT NULL,
  action        VARCHAR(64) NOT NULL,
  target        VARCHAR(200) NOT NULL DEFAULT '',
  detail        VARCHAR(1000) NOT NULL DEFAULT '',
  client_ip     VARCHAR(45) NOT NULL DEFAULT '',
  created_at    DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  KEY k_audit_time (created_at),
  KEY k_audit_target (target)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
