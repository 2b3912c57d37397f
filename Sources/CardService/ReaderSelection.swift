import PCSC

/// Picks the reader a request means (docs/design.md §9.5): the stable id or PC/SC name when given,
/// else the only reader, else the only reader with a card in it.
public enum ReaderSelection {
    public static func choose(_ wanted: String?, among readers: [ReaderInfo], cardPresent: (String) -> Bool) throws(ReadFailure) -> ReaderInfo {
        if let wanted {
            guard let r = readers.first(where: { $0.matches(wanted) }) else {
                throw .noReader("no reader named \(wanted)")
            }
            return r
        }
        switch readers.count {
        case 0: throw .noReader("no reader is connected")
        case 1: return readers[0]
        default:
            let withCard = readers.filter { cardPresent($0.name) }
            if withCard.count == 1 { return withCard[0] }
            throw .noReader("\(readers.count) readers are connected: choose one with --reader (or the API's reader)")
        }
    }
}
