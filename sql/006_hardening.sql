-- 006_hardening: what issue 10's probe asked for.
--
-- A refund ends what its order provisioned (SPEC §5): a request not yet
-- taken is 'cancelled'; an active instance gets a deprovision request
-- ('stopping'), which the host platform takes like any other ('ended').
-- ended_at is when the instance ended or the request was cancelled.
ALTER TABLE provision_outbox
  MODIFY status ENUM('held', 'pending', 'active', 'cancelled', 'stopping',
    'ended') NOT NULL,
  ADD COLUMN ended_at DATETIME NULL AFTER activated_at;

-- Failed logins, per login and per client IP (SPEC §2): counted before any
-- password is hashed.  realm keeps member and admin logins apart.
CREATE TABLE failed_logins (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  realm                ENUM('member', 'admin') NOT NULL,
  login                VARCHAR(64) NOT NULL,
  client_ip            VARCHAR(45) NOT NULL,
  created_at           DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY k_failed_login (login, realm, created_at),
  KEY k_failed_login_ip (client_ip, realm, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
