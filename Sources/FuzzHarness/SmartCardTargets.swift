import SmartCard

/// ISO 7816-4 parsers: BER-TLV and APDUs.
enum SmartCardTargets {
    static func tlv(_ data: [UInt8]) {
        if let sequence = try? TLV.decodeSequence(data) {
            for element in sequence {
                _ = try? element.descendants(maxDepth: 16)
                _ = element.encoded
            }
        }
        if let single = try? TLV.decode(data) {
            _ = try? single.descendants(maxDepth: 64)
        }
        _ = try? TLV.decodeHeader(data[...])
        // Slices that do not start at index 0: the parsers must index relative to startIndex.
        if data.count > 1 {
            _ = try? TLV.decodeSequence(data.dropFirst())
            _ = try? TLV.decodeHeader(data.dropFirst())
        }
    }

    static func commandAPDU(_ data: [UInt8]) {
        guard let command = try? CommandAPDU(bytes: data) else { return }
        // What we parsed must encode again without trapping.
        _ = command.bytes
    }

    static func responseAPDU(_ data: [UInt8]) {
        guard let response = try? ResponseAPDU(bytes: data) else { return }
        _ = response.status.description
    }
}
