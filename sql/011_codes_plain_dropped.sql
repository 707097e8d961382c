-- 011_codes_plain_dropped: the codes in the clear go.  kaquanctl migrate
-- moves every row's code into its keyed hash, last four and sealed copy
-- (010) before it applies this, and stops if it cannot (no code_key).
ALTER TABLE vouchers DROP KEY uk_vouchers_code, DROP COLUMN code;
ALTER TABLE pickup_cards DROP KEY uk_cards_code, DROP COLUMN code;
