import Foundation
import SmartCard

/// The ICAO 9303-11 worked examples in `Vectors/icao9303-part11.json` (read-only after load).
enum Vectors {
    struct Missing: Error { let path: String }

    nonisolated(unsafe) static let root: [String: Any] = {
        guard
            let url = Bundle.module.url(forResource: "icao9303-part11", withExtension: "json", subdirectory: "Vectors"),
            let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }()

    static func section(_ name: String) throws -> [String: Any] {
        guard let s = root[name] as? [String: Any] else { throw Missing(path: name) }
        return s
    }

    static func string(_ section: [String: Any], _ key: String) throws -> String {
        guard let s = section[key] as? String else { throw Missing(path: key) }
        return s
    }

    static func bytes(_ section: [String: Any], _ key: String) throws -> [UInt8] {
        guard let b = Hex.decode(try string(section, key)) else { throw Missing(path: key) }
        return b
    }
}

/// A card channel that asserts each command's exact bytes and replies from a script.
actor ScriptedChannel: CardChannel {
    struct Step {
        let expect: [[UInt8]]
        let reply: [UInt8]
    }
    struct Unexpected: Error, CustomStringConvertible {
        let sent: [UInt8]
        let expected: [[UInt8]]
        var description: String { "sent \(sent.hex), expected \(expected.map(\.hex))" }
    }

    private var steps: [Step]
    private(set) var sent: [[UInt8]] = []

    init(_ steps: [Step]) { self.steps = steps }

    var remaining: Int { steps.count }

    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let bytes = command.bytes
        sent.append(bytes)
        guard !steps.isEmpty else { throw Unexpected(sent: bytes, expected: []) }
        let step = steps.removeFirst()
        guard step.expect.contains(bytes) else { throw Unexpected(sent: bytes, expected: step.expect) }
        return try ResponseAPDU(bytes: step.reply)
    }
}
