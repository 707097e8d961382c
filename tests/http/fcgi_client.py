"""fcgi_client.py - just enough of the FastCGI protocol to talk to
kaquan-fcgi without nginx (spawn-fcgi mode, drain tests, the bare baseline).
"""
import socket
import struct

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7


def _record(kind, content, req_id=1):
    return struct.pack(">BBHHBB", 1, kind, req_id, len(content), 0, 0) + content


def _pairs(params):
    out = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            out += struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
        out += k + v
    return out


class Request:
    """One request on its own connection; send the body in parts if wanted."""

    def __init__(self, path, method="GET", body=b"", content_length=None,
                 sock_path=None, query="", remote_addr="127.0.0.1", params_extra=None):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(sock_path)
        params = {"REQUEST_METHOD": method, "DOCUMENT_URI": path,
                  "REQUEST_URI": path, "QUERY_STRING": query,
                  "REMOTE_ADDR": remote_addr,
                  "CONTENT_TYPE": "application/x-www-form-urlencoded",
                  "CONTENT_LENGTH": str(len(body) if content_length is None
                                        else content_length)}
        params.update(params_extra or {})
        self.s.sendall(_record(BEGIN, struct.pack(">HB5x", 1, 0))
                       + _record(PARAMS, _pairs(params)) + _record(PARAMS, b""))
        if body:
            self.send(body)

    def send(self, data):
        self.s.sendall(_record(STDIN, data))

    def finish(self):
        """Ends the body and reads the whole response: (status, headers, body)."""
        out, _ = self.finish_raw()
        head, _, body = out.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if ": " in line)
        status = int(headers.get("Status", "200").split()[0])
        return status, headers, body.decode("utf-8", "replace")

    def finish_raw(self):
        """Ends the body and reads the response: (its stdout as bytes,
        whether the request's end record came)."""
        try:
            self.s.sendall(_record(STDIN, b""))
        except BrokenPipeError:
            pass    # answered (and closed) before the end of the input

        out = b""
        buf = b""
        ended = False
        while not ended:
            try:
                chunk = self.s.recv(65536)
            except ConnectionResetError:
                break       # cut (reply_cut): no end record
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8:
                _, kind, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                if kind == STDOUT:
                    out += buf[8:8 + clen]
                elif kind == END:
                    ended = True
                buf = buf[8 + clen + plen:]
        self.s.close()
        return out, ended


def get(sock_path, path, **kw):
    return Request(path, sock_path=sock_path, **kw).finish()
