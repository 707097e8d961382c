-- 016_discount_uses: an order's discount (SPEC §10): a coupon frozen for it
-- or one use of a promo code reserved for it, used when it is paid and
-- released by a cancel or the payment window.  Expand only: a new table,
-- new columns with defaults, a new enum value; the previous binary reads
-- and writes as before (its orders have no discount).
CREATE TABLE discount_uses (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  campaign_id     BIGINT UNSIGNED NOT NULL,
  uin             BIGINT UNSIGNED NOT NULL,
  order_id        BIGINT UNSIGNED NOT NULL,
  coupon_id       BIGINT UNSIGNED NULL,
  product         VARCHAR(32) NOT NULL,
  first_purchase  TINYINT NOT NULL DEFAULT 0,
  -- the campaign's counts row the use took (promo codes; campaign.c)
  slot            TINYINT UNSIGNED NOT NULL DEFAULT 0,
  amount          BIGINT NOT NULL,
  status          ENUM('reserved', 'used', 'released') NOT NULL DEFAULT 'reserved',
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  UNIQUE KEY k_uses_order (order_id),
  KEY k_uses_campaign (campaign_id, id),
  KEY k_uses_campaign_status (campaign_id, status, id),
  KEY k_uses_uin (uin, status, product),
  KEY k_uses_time (created_at)
) ENGINE=InnoDB;

-- amount = discount + card + voucher + cash (order.c)
ALTER TABLE orders ADD COLUMN discount BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN discount_campaign_id BIGINT UNSIGNED NULL,
  ADD COLUMN coupon_id BIGINT UNSIGNED NULL;

-- a promo code is guessed like a redemption code (SPEC §10): its own kind
ALTER TABLE failed_attempts MODIFY kind ENUM('pickup', 'redeem', 'promo') NOT NULL;
