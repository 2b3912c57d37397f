"""examples/his_client.py when an update restarts the daemon (run by scripts/example-test.sh).

The stand-in daemon is a real Unix socket speaking the daemon's protocol as docs/api.md writes
it: the first connection answers card.read with the -32000 "stopping" refusal and closes, the
second (the "new daemon") answers the record. The real daemon's refusal itself is tested in
CancuocDaemonTests (DaemonShutdownGrace) and through cancuoc.js in Tests/Browser."""
import json
import os
import socket
import sys
import tempfile
import threading
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the example
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
import his_client  # noqa: E402

STOPPING = {"code": -32000, "message": "The card reader service is restarting (an update); reconnect and retry",
            "data": {"reason": "serverBusy", "stopping": True,
                     "messageVi": "Dịch vụ đọc thẻ đang khởi động lại (cập nhật), vui lòng kết nối lại và thử lại"}}
RECORD = {"person": {"idNumber": "001090537057", "fullName": "TEST"}, "verification": {"status": "verified"}}


class StandInDaemon:
    """Answers hello and events.subscribe; card.read per connection from `answers`."""

    def __init__(self, path, answers):
        self.answers = list(answers)
        self.reads = 0
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while self.answers:
            connection, _ = self.server.accept()
            answer = self.answers.pop(0)
            with connection, connection.makefile("rwb") as stream:
                for line in stream:
                    request = json.loads(line)
                    if request["method"] == "card.read":
                        self.reads += 1
                        reply = {"jsonrpc": "2.0", "id": request["id"], **answer}
                    else:
                        reply = {"jsonrpc": "2.0", "id": request["id"], "result": {}}
                    stream.write(json.dumps(reply).encode() + b"\n")
                    stream.flush()
                    if request["method"] == "card.read" and "error" in answer:
                        break  # the stopping daemon closes once its requests have answered


class ReadAcrossARestart(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="his-client-")
        self.path = os.path.join(self.directory, "api.sock")

    def test_a_read_refused_by_the_stopping_daemon_is_sent_again_on_a_new_connection(self):
        daemon = StandInDaemon(self.path, [{"error": STOPPING}, {"result": RECORD}])
        first = his_client.CancuocClient(self.path)
        client, response = his_client.read_card(first, self.path, {"key": {"id": "001090537057"}})
        self.assertEqual(response.get("result"), RECORD)
        self.assertIsNot(client, first)
        self.assertEqual(daemon.reads, 2)

    def test_another_error_is_not_retried(self):
        busy = {"code": -32000, "message": "busy", "data": {"reason": "serverBusy"}}
        daemon = StandInDaemon(self.path, [{"error": busy}, {"result": RECORD}])
        first = his_client.CancuocClient(self.path)
        client, response = his_client.read_card(first, self.path, {"key": {"id": "001090537057"}})
        self.assertEqual(response["error"]["code"], -32000)
        self.assertIs(client, first)
        self.assertEqual(daemon.reads, 1)


if __name__ == "__main__":
    unittest.main()
