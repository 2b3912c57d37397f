import AdminUnits
import Foundation

/// The address resolver (docs/address.md) on hostile text: the printed address as DG13 or a QR
/// scanner gives it. The first line, when it looks like a date, is the date of issue.
enum AddressTarget {
    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        var issued: String?
        var address = text
        if let newline = text.firstIndex(of: "\n"), text.distance(from: text.startIndex, to: newline) == 10 {
            issued = String(text[..<newline])
            address = String(text[text.index(after: newline)...])
        }
        let result = AddressResolver().resolve(address, issued: issued)
        switch result.match {
        case .exact, .formerName:
            precondition(result.current.commune != nil && result.current.candidates.isEmpty, "one commune")
        case .split, .ambiguous:
            precondition(result.current.commune == nil, "no default when there is a choice")
            precondition(result.current.candidates.count != 1 && result.current.candidates.count <= 5, "2–5 candidates")
        case .provinceOnly:
            precondition(result.current.commune == nil && result.asPrinted.province != nil, "a province")
        case .unresolved:
            precondition(result.asPrinted.province == nil && result.current.commune == nil, "nothing")
        }
        for unit in [result.asPrinted.province, result.current.province].compactMap(\.self) {
            precondition(unit.code.count == 2, "province codes have 2 digits")
        }
        for unit in ([result.asPrinted.commune, result.current.commune].compactMap(\.self) + result.current.candidates)
        {
            precondition(unit.code.count == 5 || unit.code.count == 3, "commune codes have 5 digits")
        }
        precondition((try? JSONEncoder().encode(result)) != nil, "the result encodes")
    }
}
