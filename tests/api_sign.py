"""api_sign.py - make bench's signed API requests: reads order ids on
standard input and prints one "POST /api/v1/orders/ID/pay IDEMPOTENCY-KEY
AUTHORIZATION" line each, signed now with KEY and SECRET (README:
Integrating), for tests/api.lua.  Usage: api_sign.py KEY SECRET < ids"""
import hashlib
import hmac
import sys
import time

key, secret = sys.argv[1], sys.argv[2].encode()
ts = str(int(time.time()))
empty = hashlib.sha256(b"").hexdigest()
for line in sys.stdin:
    path = "/api/v1/orders/%d/pay" % int(line)
    idem = "pay-%d" % int(line)
    msg = "\n".join(["POST", path, "", ts, empty, idem]).encode()
    sig = hmac.new(secret, msg, hashlib.sha256).hexdigest()
    print("POST %s %s KQ-HMAC-SHA256 Key=%s, Timestamp=%s, Signature=%s"
          % (path, idem, key, ts, sig))
