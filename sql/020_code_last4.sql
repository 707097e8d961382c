-- 020_code_last4: finance asks "who redeemed the code ending 1234?"
-- (issue 31): the backend's search finds vouchers by their code's last
-- four, newest first, through this index instead of reading the table.
-- Expand only: an index; the previous binary does not read it.
ALTER TABLE vouchers ADD INDEX k_vouchers_last4 (code_last4, id),
  ALGORITHM=INPLACE, LOCK=NONE;
