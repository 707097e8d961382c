-- 015_campaigns: coupons (优惠券) and promo codes (优惠码), SPEC §10.
-- Expand only: new tables; the previous binary reads and writes as before.
--
-- campaigns, campaign_audience, campaign_counts and campaign_accounts are
-- campaign.c's (the limits are the campaign's rules); coupons are coupon.c's.
CREATE TABLE campaigns (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name            VARCHAR(100) NOT NULL,
  kind            ENUM('coupon', 'promo_code') NOT NULL,
  -- a promo code, upper case without spaces; NULL for coupons
  code            VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  discount        ENUM('amount', 'percent') NOT NULL,
  amount_off      BIGINT NOT NULL DEFAULT 0,
  percent_off     INT NOT NULL DEFAULT 0,
  cap             BIGINT NOT NULL DEFAULT 0,
  scope           ENUM('all', 'include', 'exclude') NOT NULL DEFAULT 'all',
  products        VARCHAR(1000) NOT NULL DEFAULT '',
  scenarios       VARCHAR(200) NOT NULL DEFAULT '',
  billing         VARCHAR(100) NOT NULL DEFAULT '',
  min_amount      BIGINT NOT NULL DEFAULT 0,
  first_purchase  TINYINT NOT NULL DEFAULT 0,
  valid_from      DATETIME NOT NULL,
  valid_to        DATETIME NOT NULL,
  claim_days      INT NOT NULL DEFAULT 30,
  audience        ENUM('all', 'targeted') NOT NULL DEFAULT 'all',
  total_limit     INT NOT NULL DEFAULT 0,
  per_account     INT NOT NULL DEFAULT 1,
  status          ENUM('active', 'disabled') NOT NULL DEFAULT 'active',
  created_by      BIGINT UNSIGNED NOT NULL,
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY k_campaigns_code (code),
  KEY k_campaigns_kind (kind, id),
  KEY k_campaigns_status (status, id),
  -- the open ones by their end: what members may claim, what ends soon
  KEY k_campaigns_open (kind, status, valid_to)
) ENGINE=InnoDB;

CREATE TABLE campaign_audience (
  campaign_id     BIGINT UNSIGNED NOT NULL,
  uin             BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (campaign_id, uin)
) ENGINE=InnoDB;

-- A campaign's figures in slots: taken (what its total_limit counts: coupons
-- claimed, or a promo code's reserved and paid uses), claims (every claim or
-- reservation ever: one is enough to lock editing), used (paid uses).  A
-- campaign with a total limit takes in slot 0 alone, by a conditional
-- UPDATE (exact under races); one without spreads over 16 slots, so claims
-- do not queue on one row.  Its figure is the sum of its rows.
CREATE TABLE campaign_counts (
  campaign_id     BIGINT UNSIGNED NOT NULL,
  slot            TINYINT UNSIGNED NOT NULL,
  taken           INT NOT NULL DEFAULT 0,
  claims          INT NOT NULL DEFAULT 0,
  used            INT NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, slot)
) ENGINE=InnoDB;

-- What one account has taken of a campaign (per_account holds on it).
CREATE TABLE campaign_accounts (
  campaign_id     BIGINT UNSIGNED NOT NULL,
  uin             BIGINT UNSIGNED NOT NULL,
  taken           INT NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, uin)
) ENGINE=InnoDB;

CREATE TABLE coupons (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  campaign_id     BIGINT UNSIGNED NOT NULL,
  uin             BIGINT UNSIGNED NOT NULL,
  status          ENUM('available', 'frozen', 'used', 'expired') NOT NULL DEFAULT 'available',
  order_id        BIGINT UNSIGNED NULL,
  valid_from      DATETIME NOT NULL,
  valid_to        DATETIME NOT NULL,
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  KEY k_coupons_mine (uin, id),
  KEY k_coupons_uin (uin, status, id),
  KEY k_coupons_campaign (campaign_id, id)
) ENGINE=InnoDB;
