"""The API over a real WebSocket against the real cancuocd, pcscd and the simulated card:
the same methods, results, events, errors and limits as the Unix socket (docs/api-transport.md)."""
import json
import socket
import subprocess
import time

import pytest

from conftest import BIN, PROFILE, profile_json
from wsclient import Closed, HTTPRefused, WebSocket, http_request


def test_hello_subscribe_and_read_a_card(bench):
    person = profile_json()["dg13"]
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    hello = ws.request("hello")["result"]
    assert hello["apiLevel"] >= 1
    assert ws.request("events.subscribe", {"records": False})["result"] == {"subscribed": True, "records": False}
    bench.insert_card()
    inserted = ws.wait_for("card.inserted")["params"]
    response = ws.request("card.read", {"reader": inserted["reader"], "key": {"id": person["idNumber"]}, "includeFace": True})
    record = response["result"]
    assert record["person"]["idNumber"] == person["idNumber"]
    assert record["person"]["fullName"] == person["fullName"]
    assert record["face"]["data"]
    completed = ws.wait_for("read.completed")["params"]
    assert completed["outcome"] == "ok"
    assert "person" not in completed
    bench.remove_card()
    assert ws.wait_for("card.removed")["params"]["reader"] == inserted["reader"]
    ws.close()
    # No personal data in the daemon's log, and the browser client is logged with its origin.
    log = bench.log()
    assert person["fullName"] not in log and person["idNumber"] not in log
    assert f'origin={bench.page_origin}' in log or f'origin: {bench.page_origin}' in log or bench.page_origin in log


def test_errors_are_the_unix_sockets(bench):
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    ws.send_text('{"jsonrpc":"2.0","id":1,"method":"hello"')          # malformed JSON
    error = ws.recv()["error"]
    assert error["code"] == -32700 and error["data"]["reason"] == "parseError" and error["data"]["messageVi"]
    ws.send_text('{"jsonrpc":"2.0","id":2,"method":"no.such"}')
    assert ws.recv()["error"]["code"] == -32601
    bench.remove_card()
    response = ws.request("card.read", {"key": {"can": "000000"}})
    assert response["error"]["data"]["reason"] in ("noCard", "noReader")
    # The connection is still usable after errors.
    assert ws.request("hello")["result"]["apiLevel"] >= 1
    ws.close()


def test_oversized_frame_is_refused_and_the_connection_closed(bench):
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    good = WebSocket(bench.web_port, origin=bench.page_origin)
    ws.send_text('{"jsonrpc":"2.0","id":1,"method":"hello","params":{"pad":"' + "x" * 70000 + '"}}')
    error = ws.recv()["error"]
    assert error["code"] == -32600 and error["data"]["reason"] == "invalidRequest"
    with pytest.raises(Closed) as closed:
        ws.recv()
    assert closed.value.code == 1009
    assert good.request("hello")["result"]["apiLevel"] >= 1
    good.close()


def test_fragmented_message_over_the_limit_is_refused(bench):
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    ws.send_frame(b'{"jsonrpc":"2.0","id":1,"method":"hello","params":{"pad":"', fin=False)
    for _ in range(40):
        ws.send_frame(b"x" * 2000, opcode=0, fin=False)
    with pytest.raises(Closed) as closed:
        while True:
            message = ws.recv()
            assert message["error"]["code"] == -32600
    assert closed.value.code == 1009


def test_binary_frames_are_refused(bench):
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    ws.send_frame(b'{"jsonrpc":"2.0","id":1,"method":"hello"}', opcode=2)
    with pytest.raises(Closed) as closed:
        ws.recv()
    assert closed.value.code == 1003


def test_a_client_that_never_reads_is_dropped_and_others_are_served(bench):
    good = WebSocket(bench.web_port, origin=bench.page_origin)
    slow = WebSocket(bench.web_port, origin=bench.page_origin)
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "readers.list", "params": {}}).encode()
    batch = b"".join(WebSocket.frame(request) for _ in range(500))
    slow.sock.settimeout(5)
    deadline = time.monotonic() + 90
    # Requests keep coming, answers are never read: once 1024 answers (or 8 MiB) wait beyond
    # what the kernel buffers hold, the daemon drops this client.
    while time.monotonic() < deadline and "does not read its messages" not in bench.log():
        try:
            slow.sock.sendall(batch)
        except OSError:
            break
    deadline = time.monotonic() + 10
    while "does not read its messages" not in bench.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "does not read its messages" in bench.log()
    assert good.request("hello")["result"]["apiLevel"] >= 1
    slow.sock.close()
    good.close()


def test_many_connections_beside_a_good_one(bench):
    good = WebSocket(bench.web_port, origin=bench.page_origin)
    # From two origins: one origin holds at most 64 (maxClientsPerUser, test_limits.py).
    localhost = f"localhost:{bench.web_port}"
    others = [WebSocket(bench.web_port, origin=bench.page_origin) for _ in range(50)] + \
        [WebSocket(bench.web_port, origin=f"http://{localhost}", host=localhost) for _ in range(50)]
    started = time.monotonic()
    assert good.request("hello")["result"]["apiLevel"] >= 1
    assert time.monotonic() - started < 2
    assert all(ws.request("hello")["result"]["apiLevel"] >= 1 for ws in others)
    for ws in others:
        ws.close()
    good.close()


def test_a_silent_connection_is_closed_but_a_quiet_websocket_is_not(bench):
    silent = socket.create_connection(("127.0.0.1", bench.web_port), timeout=30)
    ws = WebSocket(bench.web_port, origin=bench.page_origin)
    started = time.monotonic()
    assert silent.recv(1) == b""                 # closed by the daemon, after about 10 s
    assert 8 < time.monotonic() - started < 25
    assert ws.request("hello")["result"]["apiLevel"] >= 1   # the WebSocket keeps the API's idle timeout
    ws.close()
