import CancuocAPI
import Foundation
import PCSC
import SmartCard

/// `cancuoc readers --json`: the daemon's `readers.list` types (`ReaderListing`), so the two
/// cannot drift; `busy` is the daemon's alone.
enum ReaderListJSON {
    static func render(_ entries: [ReaderEntry]) throws -> String {
        let listing = ReadersList(readers: entries.map(\.listing), pcscAvailable: true)
        return try JSONText(encoding: listing, pretty: true).description
    }
}

enum ReaderListText {
    static func kind(_ c: ReaderClassification) -> String {
        switch c.kind {
        case .contactless: return "contactless: ID-card reader"
        case .contactOnly:
            if let known = c.knownCard { return "contact slot holding \(known.name)" }
            return c.holdsContactCard
                ? "contact cards only (holds one, e.g. a signature token): not used for ID cards"
                : "contact cards only: not used for ID cards"
        case .unknown: return "unknown until a card is placed"
        }
    }

    /// `cardNames`: pcsc-tools' list when it is installed, for the card's name as pcsc_scan says it.
    static func render(_ entries: [ReaderEntry], cardNames: SmartcardList? = nil) -> String {
        guard !entries.isEmpty else { return "No readers." }
        return entries.map { e in
            var lines = ["\(e.name)", "  id:      \(e.id)", "  kind:    \(ReaderListText.kind(e.classification))"]
            let i = e.identity
            let made = [i.vendor, i.product].compactMap { $0 }.joined(separator: " ")
            if !made.isEmpty { lines.append("  reader:  \(made)") }
            if let vid = i.vendorID, let pid = i.productID {
                lines.append("  usb:     \(Hex.word(vid)):\(Hex.word(pid))" + (i.usbPortPath.map { " at \($0)" } ?? ""))
            }
            if let serial = i.serialNumber { lines.append("  serial:  \(serial)") }
            if let firmware = i.firmware { lines.append("  firmware: \(firmware)") }
            if let max = i.maxAPDUDataSize { lines.append("  max APDU data: \(max == 0 ? "short only" : String(max))") }
            lines.append("  card:    " + (e.cardPresent ? "present, ATR \(Hex.encode(e.atr ?? []))" : "none"))
            if e.cardPresent, let names = cardNames?.descriptions(for: e.atr ?? []), let name = names.first {
                lines.append("  known as: \(name) (pcsc-tools)")
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
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
