-- 007_api: the host billing platform's API (issue 12).
--
-- An API key: a public id and a secret printed once by kaquanctl.  HMAC
-- verification needs the secret itself, so it is kept sealed
-- (XChaCha20-Poly1305 under the configuration's api_seal_key), never in
-- clear; a revoked
-- key stops at once (each request reads its row).  scopes: the endpoint
-- groups the key may call, comma-separated.
CREATE TABLE api_keys (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  key_id               CHAR(23) NOT NULL,
  name                 VARCHAR(100) NOT NULL,
  scopes               VARCHAR(100) NOT NULL,
  secret_sealed        VARCHAR(255) NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  revoked_at           DATETIME NULL,
  UNIQUE KEY k_api_keys_key (key_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A POST's Idempotency-Key (per API key): the first request's hash and,
-- once it has run, its answer, replayed for 24 hours.  The primary key
-- lets one of two concurrent requests with one key run.
CREATE TABLE api_idempotency (
  api_key              BIGINT UNSIGNED NOT NULL,
  idem_key             VARCHAR(100) NOT NULL,
  request_hash         CHAR(64) NOT NULL,
  state                ENUM('running', 'done') NOT NULL,
  http_status          SMALLINT NOT NULL DEFAULT 0,
  response             MEDIUMTEXT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (api_key, idem_key),
  KEY k_api_idempotency_age (created_at),
  CONSTRAINT fk_api_idempotency_key FOREIGN KEY (api_key) REFERENCES api_keys (id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
