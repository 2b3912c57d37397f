"""Prints the access method and wire statistics of a record (`cancuoc read --json`) on stdin."""
import json
import sys

record = json.load(sys.stdin)
stats = record["stats"]
access = record["access"]
print("access: {} — {}".format(access["method"], access["reason"]))
print("{} APDUs, {} bytes sent, {} received, {} ms on the wire".format(
    stats["apdus"], stats["bytesSent"], stats["bytesReceived"], stats["durationMs"]))
for f in stats["files"]:
    print("  {:<11} {:>6} bytes in {} APDU(s), {} ms".format(f["name"], f["bytes"], f["apdus"], f["durationMs"]))
