/// What the connection handler does with one received line, without a channel: the fuzz
/// harness (docs/fuzzing.md) drives the real request decoder through this, so a line that traps
/// here would trap the daemon.
package enum RequestLineDecoding {
    /// The error line the server would write back for `line`, or `nil` when the line is
    /// blank or a valid request that would be dispatched (`ConnectionHandler` → `Connection.receive`).
    package static func answer(toLine line: some Collection<UInt8>, parser: JSONParser = JSONParser()) -> [UInt8]? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        switch JSONRPCRequest.parse(line, parser: parser) {
        case .failure(let rejection):
            return JSONRPCMessage.error(id: rejection.id, rejection.error)
        case .success:
            return nil
        }
    }
}
