"""kq.py - a small HTTP client and helpers for kaquan's HTTP tests.

Standard library only.  Redirects are never followed, so every test sees the
real status codes; cookies are kept per Client, as a browser would.
"""
import contextlib
import getpass
import hashlib
import http.client
import os
import re
import subprocess
import urllib.parse

URL = os.environ["KAQUAN_URL"]
CONF = os.environ["KAQUAN_CONF"]
VAR = os.environ["KAQUAN_VAR"]
BUILD = os.environ.get("KAQUAN_BUILD", "build")
_u = urllib.parse.urlparse(URL)
HOST, PORT = _u.hostname, _u.port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def page(self):
        m = re.search(r'<body data-page="([^"]*)"', self.text)
        return m.group(1) if m else None

    def flash(self):
        m = re.search(r'<p data-flash="(ok|error)" data-code="([^"]*)"', self.text)
        return (m.group(1), m.group(2)) if m else None

    def field(self, name):
        m = re.search(r'data-field="%s"[^>]*>([^<]*)<' % re.escape(name), self.text)
        return m.group(1) if m else None

    def csrf(self):
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', self.text)
        return m.group(1) if m else None

    @property
    def json(self):
        """The body as JSON (the API's answers), or None."""
        import json
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self):
        return "<%d %s %s>" % (self.status, self.page(), self.flash())


class Client:
    def __init__(self):
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, raw_body=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        data = raw_body
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            resp = Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()
        return self.keep_cookies(resp)

    def keep_cookies(self, resp):
        """Keeps the cookies resp sets (and drops those it deletes)."""
        for k, v in resp.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def login(self, login, password, admin=False):
        """Logs in through the form; returns the POST's response."""
        path = "/admin/login" if admin else "/login"
        form = self.get(path)
        assert form.status == 200, form
        return self.post(path, {"csrf": form.csrf(), "login": login,
                                "password": password})

    def csrf_of(self, path):
        return self.get(path).csrf()


def ctl(*args, password=None):
    """Runs kaquanctl; returns stdout, raises on failure."""
    r = subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", CONF]
                       + list(args), input=(password + "\n") if password else "",
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("kaquanctl %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout.strip()


def ctl_fails(*args, password=None):
    r = subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", CONF]
                       + list(args), input=(password + "\n") if password else "",
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stderr


_server = [os.path.join(VAR, "run", "mysql.sock")]


@contextlib.contextmanager
def on_server(socket_path):
    """sql(), and the books checks through it, on another server (a
    restored copy: test_restore.py) while the block runs."""
    _server.append(socket_path)
    try:
        yield
    finally:
        _server.pop()


def sql(query, db="kaquan"):
    """Runs SQL as root on the private server; returns rows of strings."""
    r = subprocess.run(["mariadb", "--no-defaults", "--socket",
                        _server[-1], "-u" + getpass.getuser(),
                        "-N", "-B", db, "-e", query],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("sql: " + r.stderr.strip())
    return [line.split("\t") for line in r.stdout.splitlines()]


def _code_key():
    for line in open(CONF):
        k, _, v = line.partition("=")
        if k.strip() == "code_key":
            return bytes.fromhex(v.strip())
    raise AssertionError("no code_key in " + CONF)


def code_hash(code):
    """What the database keeps to find a voucher or card code (SPEC §7):
    HMAC-SHA256 under code_key, its first 16 bytes, in upper-case hex as
    HEX(code_hash) gives it."""
    import hmac
    c = code.replace("-", "").replace(" ", "").upper()
    return hmac.new(_code_key(), c.encode(), hashlib.sha256).hexdigest()[:32].upper()


def code_is(code, alias=""):
    """SQL that is true of the row of a voucher or card code."""
    return "%scode_hash = UNHEX('%s')" % (alias + "." if alias else "", code_hash(code))


def sha256_hex(s):
    return hashlib.sha256(s.encode()).hexdigest()


_uin = [0]


def new_member(finance=True, owner=True, password="secret-pass"):
    """A fresh account with one login user; returns (uin, login, password)."""
    import random
    if not _uin[0]:
        _uin[0] = random.randint(10**8, 9 * 10**8)
    _uin[0] += 1
    uin = _uin[0]
    ctl("account", "add", "--uin", str(uin), "--name", "测试账号 %d" % uin)
    login = "u%d" % uin
    args = ["user", "add", "--uin", str(uin), "--login", login]
    if owner:
        args.append("--owner")
    if finance:
        args.append("--finance")
    ctl(*args, password=password)
    return uin, login, password


def new_admin(role="admin", password="admin-pass"):
    import random
    login = "a%s%d" % (role, random.randint(10**8, 9 * 10**8))
    ctl("admin", "add", "--login", login, "--role", role, password=password)
    return login, password


class Api:
    """A client of /api/v1 with an API key made by kaquanctl: each request
    signed as the README says (HMAC-SHA256 of METHOD, PATH, QUERY, the
    timestamp, the body's SHA-256 and the Idempotency-Key, keyed by the
    secret's text).  Every POST carries an Idempotency-Key, a fresh one
    unless idem names it (idem=False: none)."""

    def __init__(self, scope="all", key=None, secret=None):
        if key is None:
            key, secret = ctl("apikey", "add", "--name", "test", "--scope",
                              scope).split("\n")
        self.key, self.secret = key, secret
        self.last_ts = 0

    def auth(self, method, path, query="", body=b"", ts=None, idem=""):
        """A POST's signature works once: a well-behaved client signs each
        request with a timestamp of its own (the next second when it
        sends two in one)."""
        import hmac
        import time
        if ts is None:
            ts = self.last_ts = max(int(time.time()), self.last_ts + 1)
        ts = str(ts)
        msg = "\n".join([method, path, query, ts, hashlib.sha256(body).hexdigest(),
                         idem or ""])
        sig = hmac.new(self.secret.encode(), msg.encode(), hashlib.sha256).hexdigest()
        return "KQ-HMAC-SHA256 Key=%s, Timestamp=%s, Signature=%s" % (self.key, ts, sig)

    def call(self, method, path, body=None, query="", idem=None, ts=None,
             sign_body=None, headers=None):
        """body: an object sent as JSON (or bytes as they are); sign_body:
        what the signature covers instead (a tampered body)."""
        import json
        import uuid
        data = b"" if body is None else body if isinstance(body, bytes) else \
            json.dumps(body).encode()
        if idem is None and method == "POST":
            idem = "t-" + uuid.uuid4().hex
        h = {"Authorization": self.auth(method, path, query,
                                        data if sign_body is None else sign_body,
                                        ts, idem or "")}
        if data:
            h["Content-Type"] = "application/json"
        if idem:
            h["Idempotency-Key"] = idem
        h.update(headers or {})
        return Client().request(method, path + ("?" + query if query else ""),
                                headers=h, raw_body=data or None)

    def get(self, path, query="", **kw):
        return self.call("GET", path, query=query, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body=body, **kw)
