import AdminUnits
import ArgumentParser
import Foundation

/// `cancuoc address "TEXT" [--issued YYYY-MM-DD] [--json]`: resolves a printed address to the
/// units printed and today's units with their codes, the way the record does (docs/address.md). With
/// no TEXT, one address per line from standard input (an HIS migrating its patient table).
struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Resolve an address to Vietnam's administrative units and their codes (docs/address.md).",
        discussion:
            "With no TEXT, reads one address per line from standard input. The data version is printed with every result."
    )

    @Argument(help: "The address as printed on the card; omit it to read standard input.")
    var text: String?
    @Option(help: "The card's date of issue (YYYY-MM-DD): the list then in force is preferred.")
    var issued: String?
    @Flag(help: "Print one JSON object per address (the record's address object).")
    var json = false

    func validate() throws {
        if let issued, !AddressCommand.isDay(issued) {
            throw ValidationError(
                "Ngày cấp phải có dạng YYYY-MM-DD. / --issued must be a date written YYYY-MM-DD (got \(issued))."
            )
        }
    }

    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    func run() throws {
        let resolver = AddressResolver()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit(_ line: String) throws {
            let result = resolver.resolve(line, issued: issued)
            if json {
                Output.line(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                Output.line(result.lines.joined(separator: "\n"))
            }
        }
        if let text {
            try emit(text)
            return
        }
        while let line = readLine(strippingNewline: true) {
            try emit(line)
        }
    }
}
