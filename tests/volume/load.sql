-- load.sql - the volume data set (make bench-volume; scaled down, the
-- rows-read test of make test): accounts, a partner's customers, voucher
-- templates and issues with their vouchers and ledger, pickup batches and
-- cards, orders and their discounts, coupons, partner vouchers and charges,
-- the audit log.  Written in
-- SQL with the SEQUENCE engine, so it takes minutes, not hours.  The
-- caller sets @scale first: 1 is SPEC §9's (~200k accounts, 3M vouchers,
-- 3.3M ledger rows, 1M cards in 20 batches, 1M orders, 500k audit rows).
-- One account (@uin0 + 1, "the heavy member") holds a hundredth of the
-- vouchers, orders and pick-ups: the user center at volume.
-- Codes are stand-ins (a row's hash of its id): the lists, counts, exports
-- and sweeps are measured, not redemptions of these.  Ids continue after
-- what is there; the id counters (id_blocks) are moved past them.
SET SESSION foreign_key_checks = 0, unique_checks = 0;
SET @accounts = CAST(200000 * @scale AS INTEGER), @vouchers = CAST(3000000 * @scale AS INTEGER),
    @issues = GREATEST(CAST(1025 * @scale AS INTEGER), 10), @cards = CAST(1000000 * @scale AS INTEGER),
    @batches = 20, @orders = CAST(1000000 * @scale AS INTEGER), @audit = CAST(500000 * @scale AS INTEGER),
    @extra_ledger = CAST(300000 * @scale AS INTEGER), @customers = CAST(20000 * @scale AS INTEGER),
    @approvals = CAST(500000 * @scale AS INTEGER);
SET @uin0 = 70000000000, @partner = 69999999999;
SET @admin = (SELECT MIN(id) FROM admins);
SET @now = UTC_TIMESTAMP();

-- accounts: a partner with @customers customers, and the rest
INSERT INTO accounts (uin, name, partner) VALUES (@partner, '容量测试经销商', 1);
INSERT INTO accounts (uin, name, reseller_uin, created_at)
  SELECT @uin0 + seq, CONCAT('容量账号 ', seq), IF(seq <= @customers, @partner, NULL),
         @now - INTERVAL (seq MOD 700) DAY
  FROM seq_1_to_2000000 WHERE seq <= @accounts;

-- 100 platform templates; @issues issues over them
SET @t0 = (SELECT COALESCE(MAX(id), 0) FROM voucher_templates);
INSERT INTO voucher_templates (id, name, face, balance_mode, scope, products, billing,
    valid_from, valid_to, issued, created_by, created_at)
  SELECT @t0 + seq, CONCAT('容量券 ', seq), 1000 * (1 + seq MOD 20),
         IF(seq MOD 3, 'single_use', 'carry_over'), ELT(1 + seq MOD 3, 'all', 'include', 'exclude'),
         IF(seq MOD 3, 'cvm,redis', ''), 'prepaid', @now - INTERVAL 800 DAY, @now + INTERVAL 400 DAY,
         1, @admin, @now - INTERVAL 800 DAY
  FROM seq_1_to_100;
SET @i0 = (SELECT COALESCE(MAX(id), 0) FROM voucher_issues);
INSERT INTO voucher_issues (id, template_id, mode, count, report, created_by, created_at)
  SELECT @i0 + seq, @t0 + 1 + seq MOD 100, IF(seq MOD 4, 'targeted', 'codes'),
         CEIL(@vouchers / @issues), '', @admin, @now - INTERVAL (800 - seq * 780 DIV @issues) DAY
  FROM seq_1_to_100000 WHERE seq <= @issues;

-- vouchers: each issue's run of ids; a code issue's are codes, a third
-- of them not yet redeemed; statuses as a provider's year leaves them,
-- with a year's backlog the sweep has not written (available or
-- unactivated past valid_to)
SET @v0 = (SELECT COALESCE(MAX(id), 0) FROM vouchers);
SET @per = CEIL(@vouchers / @issues);
INSERT INTO vouchers (id, template_id, issue_id, code_hash, code_kv, code_last4, uin, face,
    balance, status, order_id, valid_from, valid_to, created_at, activated_at)
  SELECT @v0 + seq, @t0 + 1 + ((seq - 1) DIV @per + 1) MOD 100, @i0 + (seq - 1) DIV @per + 1,
         IF(((seq - 1) DIV @per + 1) MOD 4 = 0, UNHEX(MD5(CONCAT('v', @v0 + seq))), NULL),
         IF(((seq - 1) DIV @per + 1) MOD 4 = 0, 1, NULL),
         IF(((seq - 1) DIV @per + 1) MOD 4 = 0, LPAD(seq MOD 10000, 4, '0'), NULL),
         IF(((seq - 1) DIV @per + 1) MOD 4 = 0 AND seq MOD 3 = 0, NULL,
            IF(seq MOD 100 = 0, @uin0 + 1, @uin0 + 1 + seq MOD @accounts)),
         1000 * (1 + seq MOD 20),
         IF(seq MOD 10 < 3, 0, 1000 * (1 + seq MOD 20) - 100 * (seq MOD 5)),
         CASE WHEN ((seq - 1) DIV @per + 1) MOD 4 = 0 AND seq MOD 3 = 0 THEN 'unactivated'
              WHEN seq MOD 10 < 3 THEN 'used' WHEN seq MOD 20 = 3 THEN 'invalidated'
              WHEN seq MOD 10 = 4 THEN 'expired' ELSE 'available' END,
         NULL,
         @now - INTERVAL (800 - ((seq - 1) DIV @per) * 780 DIV @issues) DAY,
         -- about 45 % past their end: the sweep's backlog where still
         -- available or unactivated
         @now + INTERVAL (CAST(seq * 7919 MOD 730 AS SIGNED) - 330) DAY,
         @now - INTERVAL (800 - ((seq - 1) DIV @per) * 780 DIV @issues) DAY,
         IF(((seq - 1) DIV @per + 1) MOD 4 = 0 AND seq MOD 3 = 0, NULL,
            @now - INTERVAL (seq MOD 700) DAY)
  FROM seq_1_to_10000000 WHERE seq <= @vouchers;
UPDATE id_blocks SET next_id = GREATEST(next_id, (SELECT MAX(id) + 1 FROM vouchers))
  WHERE name = 'vouchers';
-- their issues' figures, as the redemptions and orders would have kept them
INSERT INTO voucher_issue_counts (issue_id, slot, redeemed, used)
  SELECT issue_id, id MOD 16, SUM(activated_at IS NOT NULL), SUM(status = 'used')
  FROM vouchers WHERE id > @v0 GROUP BY issue_id, id MOD 16;

-- the ledger: each voucher's issue row, and as many again for the used
INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor, created_at)
  SELECT @v0 + seq, 'issue', 1000 * (1 + seq MOD 20), 1000 * (1 + seq MOD 20), 'available',
         'admin:volume', @now - INTERVAL (seq MOD 700) DAY
  FROM seq_1_to_10000000 WHERE seq <= @vouchers;
INSERT INTO voucher_ledger (voucher_id, kind, order_id, amount, balance, status, actor, created_at)
  SELECT @v0 + seq * 10, 'deduct', seq, -1000, 0, 'used', 'member:volume',
         @now - INTERVAL (seq MOD 600) DAY
  FROM seq_1_to_1000000 WHERE seq <= @extra_ledger AND seq * 10 <= @vouchers;

-- 20 batches of cards, 40 % of them used
SET @b0 = (SELECT COALESCE(MAX(id), 0) FROM pickup_batches);
INSERT INTO pickup_batches (id, label, product, name, line, cpu, memory_gb, disk_gb,
    bandwidth_mbps, months, price, total, valid_months, valid_to, status, created_by, created_at)
  SELECT @b0 + seq, CONCAT('V', seq), ELT(1 + seq MOD 3, 'cvm', 'vhost', 'baremetal'),
         CONCAT('容量批次 ', seq), (SELECT MIN(code) FROM server_lines), 2, 4, 50, 5, 3, 10000,
         CEIL(@cards / @batches), 12, @now + INTERVAL 300 DAY, IF(seq = 7, 'disabled', 'normal'),
         @admin, @now - INTERVAL (400 - seq * 10) DAY
  FROM seq_1_to_20;
SET @c0 = (SELECT COALESCE(MAX(id), 0) FROM pickup_cards);
SET @cper = CEIL(@cards / @batches);
INSERT INTO pickup_cards (id, batch_id, code_hash, code_kv, code_last4, status, uin, used_at, order_id)
  SELECT @c0 + seq, @b0 + (seq - 1) DIV @cper + 1, UNHEX(MD5(CONCAT('c', @c0 + seq))), 1,
         LPAD(seq MOD 10000, 4, '0'), IF(seq MOD 5 < 2, 'used', 'unused'),
         IF(seq MOD 5 < 2, IF(seq MOD 100 = 0, @uin0 + 1, @uin0 + 1 + seq MOD @accounts), NULL),
         IF(seq MOD 5 < 2, @now - INTERVAL (seq MOD 390) DAY - INTERVAL (seq MOD 86400) SECOND, NULL),
         NULL
  FROM seq_1_to_10000000 WHERE seq <= @cards;
UPDATE id_blocks SET next_id = GREATEST(next_id, (SELECT MAX(id) + 1 FROM pickup_cards))
  WHERE name = 'pickup_cards';
-- their usage records, as the pick-ups would have written them (seq as
-- core/pickup.c makes it; these cards have no order: the card's id)
INSERT INTO pickup_uses (seq, card_id, batch_id, uin, order_id, used_at)
  SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', used_at) << 24 | id & 16777215,
         id, batch_id, uin, order_id, used_at
  FROM pickup_cards WHERE id > @c0 AND status = 'used';
-- their batches' figures, as the pick-ups would have kept them
INSERT INTO pickup_batch_counts (batch_id, slot, used, disabled)
  SELECT batch_id, id MOD 16, SUM(status = 'used'), SUM(status = 'disabled')
  FROM pickup_cards WHERE id > @c0 GROUP BY batch_id, id MOD 16;

-- orders: a year of them, most paid
SET @o0 = (SELECT COALESCE(MAX(id), 0) FROM orders);
INSERT INTO orders (id, uin, product, billing, scenario, months, amount, card_amount,
    voucher_amount, cash, paid_cash, status, refund, created_at, paid_at, pay_by)
  SELECT @o0 + seq, IF(seq MOD 100 = 0, @uin0 + 1, @uin0 + 1 + seq MOD @accounts), ELT(1 + seq MOD 4, 'cvm', 'redis', 'cdb_mysql', 'cbs'),
         'prepaid', IF(seq MOD 3, 'purchase', 'renew'), 1 + seq MOD 12, 10000 + seq MOD 90000,
         0, IF(seq MOD 4 = 0, 1000, 0), 10000 + seq MOD 90000 - IF(seq MOD 4 = 0, 1000, 0),
         IF(seq MOD 20 < 17, 10000 + seq MOD 90000 - IF(seq MOD 4 = 0, 1000, 0), 0),
         ELT(1 + seq MOD 20, 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid',
             'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'refunded',
             'cancelled', 'pending', 'cancelled'),
         IF(seq MOD 97 = 0, 'requested', IF(seq MOD 20 = 16, 'approved', 'none')),
         @now - INTERVAL (seq MOD 365) DAY - INTERVAL (seq MOD 86400) SECOND,
         IF(seq MOD 20 < 17, @now - INTERVAL (seq MOD 365) DAY, NULL), NULL
  FROM seq_1_to_10000000 WHERE seq <= @orders;

-- a promo code taken by a quarter of the orders (used when paid,
-- released when cancelled, reserved while pending) and a coupon campaign
-- claimed by every account, the heavy member a hundredth of the coupons
INSERT INTO campaigns (name, kind, code, discount, amount_off, valid_from, valid_to,
    created_by, created_at)
  VALUES ('容量测试优惠码', 'promo_code', CONCAT('VOLUME-', UNIX_TIMESTAMP(@now)), 'amount', 500,
          @now - INTERVAL 400 DAY, @now + INTERVAL 400 DAY, @admin, @now - INTERVAL 400 DAY);
SET @promo = LAST_INSERT_ID();
INSERT INTO campaigns (name, kind, discount, amount_off, valid_from, valid_to, claim_days,
    created_by, created_at)
  VALUES ('容量测试优惠券', 'coupon', 'amount', 300, @now - INTERVAL 400 DAY,
          @now + INTERVAL 400 DAY, 3650, @admin, @now - INTERVAL 400 DAY);
SET @coupon = LAST_INSERT_ID();
INSERT INTO discount_uses (campaign_id, uin, order_id, product, amount, status, created_at)
  SELECT @promo, uin, id, product, 500, CASE status WHEN 'paid' THEN 'used'
         WHEN 'refunded' THEN 'used' WHEN 'cancelled' THEN 'released' ELSE 'reserved' END,
         created_at
  FROM orders WHERE id > @o0 AND id MOD 4 = 1;
INSERT INTO coupons (campaign_id, uin, status, valid_from, valid_to, created_at)
  SELECT @coupon, IF(seq MOD 100 = 0, @uin0 + 1, @uin0 + 1 + seq MOD @accounts),
         IF(seq MOD 3 = 0, 'used', 'available'), @now - INTERVAL (seq MOD 300) DAY,
         @now + INTERVAL 60 DAY, @now - INTERVAL (seq MOD 300) DAY
  FROM seq_1_to_10000000 WHERE seq <= @accounts;
INSERT INTO campaign_counts (campaign_id, slot, taken, claims, used)
  SELECT @promo, 0, SUM(status <> 'released'), COUNT(*), SUM(status = 'used')
  FROM discount_uses WHERE campaign_id = @promo;
INSERT INTO campaign_counts (campaign_id, slot, taken, claims, used)
  SELECT @coupon, 0, COUNT(*), COUNT(*), SUM(status = 'used')
  FROM coupons WHERE campaign_id = @coupon;
INSERT INTO campaign_accounts (campaign_id, uin, taken)
  SELECT @coupon, uin, COUNT(*) FROM coupons WHERE campaign_id = @coupon GROUP BY uin;
UPDATE campaigns SET per_account = 1000000 WHERE id = @coupon;

-- the partner: Type I and II vouchers, and a charge for each of a tenth
-- of its customers' orders
INSERT INTO partner_vouchers (type, partner_uin, customer_uin, approval, status, face, balance,
    name, scope, products, billing, valid_days, valid_from, valid_to, created_by, created_at)
  SELECT IF(seq MOD 2, 'partner_1', 'partner_2'), @partner,
         IF(seq MOD 2, NULL, @uin0 + 1 + seq MOD GREATEST(@customers, 1)),
         IF(seq MOD 2, 'none', ELT(1 + seq MOD 3, 'approved', 'pending_review', 'rejected')),
         IF(seq MOD 5 = 0, 'used', 'available'), 50000, IF(seq MOD 5 = 0, 0, 50000), '容量经销商券',
         'exclude', '', 'prepaid', 90, @now - INTERVAL (seq MOD 300) DAY,
         @now + INTERVAL (CAST(seq MOD 400 AS SIGNED) - 100) DAY, 'admin:volume',
         @now - INTERVAL (seq MOD 300) DAY
  FROM seq_1_to_1000000 WHERE seq <= @customers;
-- their place in the review queue, as partner_voucher.c keeps it
UPDATE partner_vouchers SET queue_key = IF(approval = 'pending_review', 2199023255552 - id, id)
  WHERE partner_uin = @partner;
INSERT INTO partner_charges (partner_uin, customer_uin, order_id, product, billing, scenario,
    amount, cash, created_at)
  SELECT @partner, uin, id, product, billing, scenario, amount, cash, created_at
  FROM orders WHERE id > @o0 AND uin <= @uin0 + @customers AND id MOD 10 = 0;

-- approval requests (SPEC §11): one in twenty waits, the rest decided;
-- their place in the queue as approval.c keeps it
INSERT INTO approval_requests (kind, status, subject_id, subject, count, unit, amount, payload,
    requested_kind, requested_by, requested_login, decided_by, decided_login, reason,
    created_at, decided_at)
  SELECT ELT(1 + seq MOD 3, 'issue', 'partner_1', 'batch'),
         IF(seq MOD 20 = 0, 'pending', IF(seq MOD 3, 'approved', 'rejected')), 1, '容量审批',
         1001, 100000, 100100000, '{}', 'admin', @admin, 'volume',
         IF(seq MOD 20 = 0, NULL, @admin), IF(seq MOD 20 = 0, NULL, 'volume'),
         IF(seq MOD 20 = 0 OR seq MOD 3, NULL, '容量'), @now - INTERVAL (seq MOD 365) DAY,
         IF(seq MOD 20 = 0, NULL, @now - INTERVAL (seq MOD 365) DAY)
  FROM seq_1_to_10000000 WHERE seq <= @approvals;
UPDATE approval_requests SET queue_key = IF(status = 'pending', 2199023255552 + id, id);

-- the audit log
INSERT INTO audit_log (actor_kind, actor_id, actor_login, action, target, detail, client_ip,
    created_at)
  SELECT 'admin', @admin, 'volume', ELT(1 + seq MOD 5, 'voucher.issue', 'batch.create',
         'order.refund', 'login', 'voucher.invalidate'),
         CONCAT(ELT(1 + seq MOD 3, 'voucher:', 'batch:', 'order:'), seq), '', '127.0.0.1',
         @now - INTERVAL (seq MOD 365) DAY - INTERVAL (seq MOD 86400) SECOND
  FROM seq_1_to_10000000 WHERE seq <= @audit;

SET SESSION foreign_key_checks = 1, unique_checks = 1;
ANALYZE TABLE accounts, vouchers, voucher_ledger, voucher_issues, pickup_cards, pickup_batches,
  orders, partner_vouchers, partner_charges, audit_log, discount_uses, coupons,
  approval_requests;
