-- 008_api_actor: what the host platform does through an API key (a refund,
-- an invalidation, an issue) is audited as the key's: actor_kind 'api',
-- actor_login the key's id.
ALTER TABLE audit_log
  MODIFY actor_kind ENUM('admin', 'member', 'system', 'api') NOT NULL;
