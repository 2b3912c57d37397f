import SmartCard

/// Why a file could not be read. `accessDenied` is how DG3 (fingerprints, behind Terminal
/// Authentication) answers: callers report it as protected, never as a failure.
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case accessDenied(String)
    case cardStatus(StatusWord, file: String)
    case malformed(String, detail: String)
    case tooLarge(String, bytes: Int)

    public var description: String {
        switch self {
        case .notFound(let f): return "\(f): file not found"
        case .accessDenied(let f): return "\(f): access denied (protected)"
        case .cardStatus(let sw, let f): return "\(f): card answered \(sw)"
        case .malformed(let f, let d): return "\(f): \(d)"
        case .tooLarge(let f, let n): return "\(f): announces \(n) bytes, more than any LDS file holds"
        }
    }
}

/// Reads whole elementary files with as few READ BINARY commands as the link allows
/// (docs/design.md §5): the first command selects the file by short EF identifier and already
/// asks for a full chunk; the TLV header in that answer gives the file length; offsets past
/// 32767 use the odd INS `B1` with DO'54'. `6Cxx`, `6700`, `6282` and short answers step
/// down or finish without ever sending a command the card has not answered, so a secure
/// messaging counter below stays in step.
public struct LDSFileReader: Sendable {
    public let channel: any CardChannel
    /// Largest plaintext data one READ BINARY may return on this link.
    public private(set) var chunkSize: Int
    /// Upper bound on a file's announced length: hostile cards cannot make us allocate more.
    public var maxFileSize = 1 << 20

    public init(channel: any CardChannel, chunkSize: Int) {
        self.channel = channel
        self.chunkSize = max(1, chunkSize)
    }

    /// Reads the file with this FID; `sfi` (1…30) saves the SELECT.
    public mutating func readFile(fid: UInt16, sfi: UInt8?, name: String) async throws -> [UInt8] {
        var data: [UInt8]
        var atEnd: Bool
        if let sfi {
            (data, atEnd) = try await readChunk(offset: 0, length: chunkSize, sfi: sfi, name: name)
        } else {
            let select = CommandAPDU.selectFile(fid)
            let r = try await channel.transmit(select)
            try Self.check(r.status, name: name)
            (data, atEnd) = try await readChunk(offset: 0, length: chunkSize, sfi: nil, name: name)
        }
        let total: Int
        do {
            let header = try TLV.decodeHeader(data[...])
            total = header.valueStart + header.length
        } catch .truncated where !atEnd && data.count < 8 {
            // A tiny first chunk: read the header first.
            let (more, _) = try await readChunk(offset: data.count, length: 8, sfi: nil, name: name)
            data += more
            guard let header = try? TLV.decodeHeader(data[...]) else {
                throw FileReadError.malformed(name, detail: "no TLV header")
            }
            total = header.valueStart + header.length
        } catch {
            throw FileReadError.malformed(name, detail: "no TLV header (\(error))")
        }
        guard total <= maxFileSize else { throw FileReadError.tooLarge(name, bytes: total) }
        data.reserveCapacity(total)
        while data.count < total {
            guard !atEnd else {
                throw FileReadError.malformed(name, detail: "file ends at \(data.count) of \(total) bytes")
            }
            // B1 answers carry a DO'53' header: leave room for it in the chunk.
            let budget = data.count > 0x7FFF ? max(1, chunkSize - 4) : chunkSize
            let (chunk, end) = try await readChunk(
                offset: data.count,
                length: min(budget, total - data.count),
                sfi: nil,
                name: name
            )
            guard !chunk.isEmpty else {
                throw FileReadError.malformed(name, detail: "empty answer at offset \(data.count)")
            }
            data += chunk
            atEnd = end
        }
        return Array(data.prefix(total))
    }

    /// One READ BINARY, with the step-downs: returns the data and whether the card said
    /// end of file (`6282`).
    private mutating func readChunk(offset: Int, length: Int, sfi: UInt8?, name: String) async throws -> ([UInt8], Bool)
    {
        var length = length
        for _ in 0..<8 {
            let command = Self.readBinary(offset: offset, length: length, sfi: sfi)
            let r = try await channel.transmit(command)
            switch (r.status.sw1, r.status.sw2) {
            case (0x90, 0x00), (0x62, 0x82):
                let data = command.ins == 0xB1 ? try Self.unwrapDiscretionaryData(r.data, name: name) : r.data
                guard data.count <= length else {
                    throw FileReadError.malformed(name, detail: "asked for \(length) bytes, got \(data.count)")
                }
                return (data, r.status == .endOfFileReached)
            case (0x6C, let n):
                // The card tells us how many bytes it has from here.
                length = n == 0 ? 256 : Int(n)
            case (0x67, 0x00):
                // Too long for this card or link: halve the chunk for the rest of the session.
                guard length > 1 else { throw FileReadError.cardStatus(r.status, file: name) }
                length = max(1, length / 2)
                chunkSize = min(chunkSize, length)
            case (0x6B, 0x00) where offset > 0:
                return ([], true)
            default:
                try Self.check(r.status, name: name)
                throw FileReadError.cardStatus(r.status, file: name)
            }
        }
        throw FileReadError.malformed(name, detail: "the card keeps refusing READ BINARY lengths")
    }

    static func readBinary(offset: Int, length: Int, sfi: UInt8?) -> CommandAPDU {
        if let sfi {
            return CommandAPDU.readBinary(sfi: sfi, offset: UInt8(offset & 0xFF), ne: length)
        }
        if offset <= 0x7FFF {
            return CommandAPDU.readBinary(offset: offset, ne: length)
        }
        // Odd INS: offset in DO'54', data back in DO'53' (ISO 7816-4 §11.2.3; tag + up to 4 length bytes).
        var off: [UInt8] = []
        var v = offset
        while v > 0 {
            off.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        let overhead = length < 0x80 ? 2 : length <= 0xFF ? 3 : 4
        return CommandAPDU(.readBinaryOdd, data: TLV(tag: 0x54, value: off).encoded, ne: length + overhead)
    }

    static func unwrapDiscretionaryData(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        guard let tlv = try? TLV.decode(bytes), tlv.tag == 0x53 else {
            throw FileReadError.malformed(name, detail: "B1 answer is not a DO'53'")
        }
        return tlv.value
    }

    static func check(_ status: StatusWord, name: String) throws {
        switch status {
        case .success, .endOfFileReached: return
        case .fileNotFound, .wrongP1P2, .incorrectP1P2: throw FileReadError.notFound(name)
        case .securityStatusNotSatisfied, .conditionsNotSatisfied: throw FileReadError.accessDenied(name)
        default: throw FileReadError.cardStatus(status, file: name)
        }
    }
}

/// The largest plaintext a secure-messaging response can carry inside `wireLimit` bytes of
/// response data (ICAO 9303-11 §9.8): DO'87' (tag, length, padding indicator, padded data),
/// DO'99' (4 bytes) and DO'8E' (10 bytes). 223 for AES and 231 for 3DES at 256 bytes.
public func maxSecureMessagingPlaintext(wireLimit: Int, blockSize: Int) -> Int {
    var padded = (wireLimit - 14 - 2) / blockSize * blockSize  // tag + padding indicator
    while padded > 0 {
        let lengthBytes = padded + 1 < 0x80 ? 1 : padded + 1 <= 0xFF ? 2 : padded + 1 <= 0xFFFF ? 3 : 4
        if 1 + lengthBytes + 1 + padded + 14 <= wireLimit { break }
        padded -= blockSize
    }
    // ISO padding always adds at least one byte.
    return max(0, padded - 1)
}
