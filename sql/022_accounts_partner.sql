-- 022_accounts_partner: the backend's partner fields offer the partners to
-- pick from (issue 31), read on this index and stopped at the list's
-- length, not found by reading every account.
-- Expand only: an index; the previous binary does not read it.
ALTER TABLE accounts ADD INDEX k_accounts_partner (partner, uin),
  ALGORITHM=INPLACE, LOCK=NONE;
