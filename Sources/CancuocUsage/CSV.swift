import Foundation

/// RFC 4180 CSV: the registry the province keeps in a spreadsheet, and our outputs.
public enum CSV {
    /// Parses CSV text into rows of fields (quoted fields, doubled quotes, CRLF or LF,
    /// a UTF-8 BOM as spreadsheets write it). Never traps on malformed input: an
    /// unterminated quote runs to the end of the text.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        it.append("\n")
        var i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < it.count, it[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else {
                switch c {
                case "\"": quoted = true
                case ",":
                    row.append(field)
                    field = ""
                case "\n", "\r\n", "\r":
                    row.append(field)
                    field = ""
                    if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                    row = []
                default: field.append(c)
                }
            }
            i += 1
        }
        if quoted {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Quotes when needed; a text cell starting like a formula (`=`, `+`, `-`, `@`, tab,
    /// CR) gets a leading `'` so a spreadsheet shows it instead of evaluating it (reader
    /// names come from USB descriptors, which anyone can program).
    public static func field(_ value: String) -> String {
        var s = value
        if let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
