import Foundation
import PCSC
import SmartCard

/// The JSON shapes of design.md §9.7 (`readers.list`), shared with `--watch --json` events.
enum ReaderListJSON {
    static func object(_ entry: ReaderEntry) -> [String: Any] {
        let i = entry.identity
        let identity: [String: Any] = [
            "vendor": i.vendor ?? NSNull(),
            "product": i.product ?? NSNull(),
            "vid": i.vendorID.map(hex4) ?? NSNull(),
            "pid": i.productID.map(hex4) ?? NSNull(),
            "serial": i.serialNumber ?? NSNull(),
            "firmware": i.firmware ?? NSNull(),
        ]
        return [
            "id": entry.id.rawValue,
            "name": entry.name,
            "identity": identity,
            "cardPresent": entry.cardPresent,
            "atr": entry.atr.map { Hex.encode($0) } ?? NSNull(),
            "kind": entry.classification.kind.rawValue,
        ]
    }

    static func render(_ entries: [ReaderEntry]) -> String {
        encode(["readers": entries.map(object)], pretty: true)
    }

    static func encode(_ value: Any, pretty: Bool = false) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func hex4(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}

enum ReaderListText {
    static func kind(_ c: ReaderClassification) -> String {
        switch c.kind {
        case .contactless: return "contactless: ID-card reader"
        case .contactOnly: return c.holdsContactCard ? "contact cards only (holds one, e.g. a signature token): not used for ID cards"
            : "contact cards only: not used for ID cards"
        case .unknown: return "unknown until a card is placed"
        }
    }

    static func render(_ entries: [ReaderEntry]) -> String {
        guard !entries.isEmpty else { return "No readers." }
        return entries.map { e in
            var lines = ["\(e.name)", "  id:      \(e.id)", "  kind:    \(ReaderListText.kind(e.classification))"]
            let i = e.identity
            let made = [i.vendor, i.product].compactMap { $0 }.joined(separator: " ")
            if !made.isEmpty { lines.append("  reader:  \(made)") }
            if let vid = i.vendorID, let pid = i.productID {
                lines.append("  usb:     \(ReaderListJSON.hex4(vid)):\(ReaderListJSON.hex4(pid))" + (i.usbPortPath.map { " at \($0)" } ?? ""))
            }
            if let serial = i.serialNumber { lines.append("  serial:  \(serial)") }
            if let firmware = i.firmware { lines.append("  firmware: \(firmware)") }
            if let max = i.maxAPDUDataSize { lines.append("  max APDU data: \(max == 0 ? "short only" : String(max))") }
            lines.append("  card:    " + (e.cardPresent ? "present, ATR \(Hex.encode(e.atr ?? []))" : "none"))
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// `--watch` lines: the API's event names (design.md §6) so scripts can share parsers.
enum ReaderEventJSON {
    static func render(_ event: ReaderEvent) -> String {
        switch event {
        case .attached(let info):
            let entry = ReaderEntry(name: info.name, identity: info.identity, cardPresent: false, atr: nil)
            var reader = ReaderListJSON.object(entry)
            reader["cardPresent"] = nil
            reader["atr"] = nil
            return ReaderListJSON.encode(["event": "reader.attached", "reader": reader])
        case .detached(let name, let id):
            return ReaderListJSON.encode(["event": "reader.detached", "reader": ["id": id.rawValue, "name": name]])
        case .cardInserted(let reader, let atr):
            return ReaderListJSON.encode(["event": "card.inserted", "reader": reader, "atr": Hex.encode(atr)])
        case .cardRemoved(let reader):
            return ReaderListJSON.encode(["event": "card.removed", "reader": reader])
        case .serviceUnavailable(let error):
            return ReaderListJSON.encode(["event": "pcsc.unavailable", "error": error.name])
        case .serviceRestored:
            return ReaderListJSON.encode(["event": "pcsc.restored"])
        }
    }
}

enum ReaderEventText {
    static func render(_ event: ReaderEvent) -> String {
        let time = ISO8601DateFormatter().string(from: Date())
        switch event {
        case .attached(let info): return "\(time) reader attached: \(info.name) [\(info.id)]"
        case .detached(let name, _): return "\(time) reader detached: \(name)"
        case .cardInserted(let reader, let atr): return "\(time) card inserted: \(reader) ATR \(Hex.encode(atr))"
        case .cardRemoved(let reader): return "\(time) card removed: \(reader)"
        case .serviceUnavailable(let error): return "\(time) pcscd unavailable: \(error.name)"
        case .serviceRestored: return "\(time) pcscd available again"
        }
    }
}
