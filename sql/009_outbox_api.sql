-- 009_outbox_api: the host platform takes provisioning requests through the
-- API (issue 12).  A request taken is leased to its consumer (taken_at,
-- taken_by: the API key) for 10 minutes: no other consumer gets it in that
-- time, and one not acknowledged by then is offered again.  A boot that
-- failed is 'failed': its card is back and its order cancelled.
ALTER TABLE provision_outbox
  MODIFY status ENUM('held', 'pending', 'active', 'cancelled', 'stopping',
    'ended', 'failed') NOT NULL,
  ADD COLUMN taken_at DATETIME NULL AFTER ended_at,
  ADD COLUMN taken_by BIGINT UNSIGNED NULL AFTER taken_at;
