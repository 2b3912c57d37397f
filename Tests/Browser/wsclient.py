"""A minimal WebSocket client on the standard library (RFC 6455), so the protocol tests can
send what no browser would: oversized frames, malformed JSON, a client that never reads."""
import base64
import hashlib
import json
import os
import socket
import struct

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class HTTPRefused(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body!r}")
        self.status = status
        self.body = body


class Closed(Exception):
    def __init__(self, code):
        super().__init__(f"closed with {code}")
        self.code = code


def http_request(port, path="/", headers=None, method="GET", host="127.0.0.1"):
    """One HTTP/1.1 request; returns (status, headers dict lower-cased, body bytes)."""
    sock = socket.create_connection((host, port), timeout=10)
    lines = [f"{method} {path} HTTP/1.1"]
    hdrs = {"Host": f"127.0.0.1:{port}"}
    hdrs.update(headers or {})
    lines += [f"{k}: {v}" for k, v in hdrs.items() if v is not None]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        k, _, v = line.partition(":")
        parsed[k.strip().lower()] = v.strip()
    return int(status_line.split()[1]), parsed, body


class WebSocket:
    def __init__(self, port, origin="http://127.0.0.1", host=None, path="/api", timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [f"GET {path} HTTP/1.1", f"Host: {host or f'127.0.0.1:{port}'}", "Upgrade: websocket",
                   "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if origin is not None:
            headers.append(f"Origin: {origin}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status = int(head.split(b" ")[1]) if head else 0
        if status != 101:
            body = self.buffer
            try:
                while True:
                    chunk = self.sock.recv(4096)
                    if not chunk:
                        break
                    body += chunk
            except OSError:
                pass
            self.sock.close()
            raise HTTPRefused(status, body)
        accept = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
        assert f"sec-websocket-accept: {accept}".lower().encode() in head.lower(), head
        self.next_id = 1

    def send_frame(self, payload, opcode=1, fin=True):
        self.sock.sendall(self.frame(payload, opcode, fin))

    @staticmethod
    def frame(payload, opcode=1, fin=True):
        """A masked client frame."""
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return header + mask + masked

    def send_text(self, text):
        self.send_frame(text.encode() if isinstance(text, str) else text)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(None)
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def recv_frame(self):
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        assert not b1 & 0x80, "server frames are never masked"
        return b0 & 0x0F, self._read(n)

    def recv(self):
        """The next JSON message; raises Closed with the close code."""
        while True:
            opcode, payload = self.recv_frame()
            if opcode == 1:
                return json.loads(payload)
            if opcode == 8:
                raise Closed(struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None)

    def request(self, method, params=None):
        """Send a request and return its response (notifications before it are kept)."""
        rid = self.next_id
        self.next_id += 1
        self.send_text(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}}))
        self.notifications = getattr(self, "notifications", [])
        while True:
            message = self.recv()
            if message.get("id") == rid:
                return message
            self.notifications.append(message)

    def wait_for(self, method):
        for i, message in enumerate(getattr(self, "notifications", [])):
            if message.get("method") == method:
                return self.notifications.pop(i)
        while True:
            message = self.recv()
            if message.get("method") == method:
                return message

    def close(self):
        try:
            self.send_frame(struct.pack(">H", 1000), opcode=8)
        except OSError:
            pass
        self.sock.close()
