#!/usr/bin/env python3
"""A minimal HIS client for cancuocd (docs/integration.md). Python 3 standard library only.

Connects to the daemon's Unix socket, says hello, subscribes to events, and reads the card
each time one is placed on a reader. The verified identity arrives first (`read.identity`,
before the face is read: start the insurance lookup then), the full record after; a line
is printed for each.

    python3 examples/his_client.py --id 001090537057            # key: the 12-digit ID number
    python3 examples/his_client.py --key '{"qr": "…"}'          # any key of docs/api.md
    python3 examples/his_client.py --id … --once --timeout 30    # CI: one read, then exit

Exit status: 0 after a read (with --once), 1 on an API error, 2 if nothing happened in time,
7 if the daemon is not reachable.
"""
import argparse
import json
import socket
import sys
import time


class CancuocClient:
    """Newline-delimited JSON-RPC 2.0 over the daemon's Unix socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buffer = b""
        self.next_id = 1
        self.pending_notifications = []

    def send(self, method, params=None):
        request_id = self.next_id
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}})
        self.sock.sendall(line.encode("utf-8") + b"\n")
        return request_id

    def receive(self, deadline):
        """The next message from the daemon, or None when the deadline passed."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise ConnectionError("cancuocd closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def call(self, method, params=None, timeout=60, on_identity=None):
        """Send a request and wait for its response. `read.identity` goes to `on_identity`;
        other notifications that arrive meanwhile are kept for `next_notification`
        (read.progress, or events of other readers)."""
        request_id = self.send(method, params)
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(deadline)
            if message is None:
                raise TimeoutError(method + " got no answer")
            if message.get("id") == request_id:
                return message
            if message.get("method") == "read.identity" and on_identity:
                on_identity(message["params"]["record"])
            elif message.get("method") != "read.progress":
                self.pending_notifications.append(message)

    def next_notification(self, deadline):
        if self.pending_notifications:
            return self.pending_notifications.pop(0)
        return self.receive(deadline)


def is_retryable(response):
    """Whether the daemon asked for the request again on a new connection: it was stopping
    (an update or a restart; docs/api.md § Errors, -32000 with "stopping": true)."""
    error = response.get("error") or {}
    return error.get("code") == -32000 and (error.get("data") or {}).get("stopping") is True


def reconnect(path, timeout=30):
    """A new connection (hello, events), trying every half second: while an update replaces
    the daemon, its socket stays open and the new daemon answers within seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client = CancuocClient(path)
            client.call("hello", timeout=max(1, deadline - time.monotonic()))
            client.call("events.subscribe", {"records": False})
            return client
        except (OSError, TimeoutError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def read_card(client, path, params, on_identity=None):
    """`card.read`, sent once more on a new connection when the daemon was stopping (or the
    connection dropped during the read). Returns the client to go on with and the response."""
    try:
        response = client.call("card.read", params, on_identity=on_identity)
        if not is_retryable(response):
            return client, response
    except ConnectionError:
        pass
    print("cancuocd is restarting (an update?): reconnecting to read again", flush=True)
    client.sock.close()
    client = reconnect(path)
    return client, client.call("card.read", params, on_identity=on_identity)


def summary(record):
    person = record.get("person") or {}
    verification = (record.get("verification") or {}).get("status")
    access = (record.get("access") or {}).get("method")
    return "%s | %s | born %s | %s | access %s | verification %s" % (
        person.get("idNumber"), person.get("fullName"), person.get("dateOfBirth"),
        person.get("sex"), access, verification)


def main():
    parser = argparse.ArgumentParser(description="Read chip ID cards through cancuocd.")
    parser.add_argument("--socket", default="/run/cancuoc/api.sock")
    parser.add_argument("--id", help="the 12-digit ID number (key {\"id\": ...})")
    parser.add_argument("--key", help="the key as JSON, e.g. '{\"can\": \"123456\"}'")
    parser.add_argument("--once", action="store_true", help="exit after the first read")
    parser.add_argument("--timeout", type=float, default=0, help="give up after this many seconds (0: never)")
    parser.add_argument("--json", action="store_true", help="print the whole record as JSON")
    args = parser.parse_args()
    if bool(args.id) == bool(args.key):
        parser.error("give exactly one of --id or --key")
    key = {"id": args.id} if args.id else json.loads(args.key)

    try:
        client = CancuocClient(args.socket)
    except OSError as error:
        print("cannot connect to %s: %s" % (args.socket, error), file=sys.stderr)
        return 7

    hello = client.call("hello")["result"]
    print("connected to cancuocd %s (API level %s)" % (hello["version"], hello["apiLevel"]), flush=True)
    client.call("events.subscribe", {"records": False})

    # A card may already be on a reader: read it at once.
    for reader in client.call("readers.list")["result"]["readers"]:
        if reader["cardPresent"]:
            client.pending_notifications.append(
                {"method": "card.inserted", "params": {"reader": reader["id"], "atr": reader["atr"]}})

    deadline = time.monotonic() + args.timeout if args.timeout else float("inf")
    while True:
        event = client.next_notification(min(deadline, time.monotonic() + 3600))
        if event is None:
            if time.monotonic() >= deadline:
                print("no card within %s s" % args.timeout, file=sys.stderr)
                return 2
            continue
        method = event.get("method")
        if method != "card.inserted":
            continue
        reader = event["params"]["reader"]
        print("card on %s: reading…" % reader, flush=True)
        started = time.monotonic()

        def identity(record):
            # Verified, without the face: what reception needs to start the BHYT lookup.
            print("identity: %s | %.0f ms (face follows)" % (summary(record), (time.monotonic() - started) * 1000),
                  flush=True)

        try:
            client, response = read_card(client, args.socket, {"reader": reader, "key": key, "includeFace": False},
                                         on_identity=identity)
        except (OSError, TimeoutError) as error:
            print("cannot reach cancuocd again at %s: %s" % (args.socket, error), file=sys.stderr)
            return 7
        elapsed_ms = (time.monotonic() - started) * 1000
        if "error" in response:
            error = response["error"]
            print("read failed: %s (%s) / %s" % (error["message"], error["data"]["reason"],
                                                error["data"]["messageVi"]), flush=True)
            if args.once:
                return 1
            continue
        record = response["result"]
        if args.json:
            print(json.dumps(record, ensure_ascii=False, indent=2), flush=True)
        else:
            face = record.get("face") or {}
            print("%s | face %s %sx%s | %.0f ms" % (summary(record), record.get("faceStatus"), face.get("width"),
                                                  face.get("height"), elapsed_ms), flush=True)
        if args.once:
            return 0


if __name__ == "__main__":
    sys.exit(main())
