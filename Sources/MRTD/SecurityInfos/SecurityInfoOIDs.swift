import SmartCard
import SwiftASN1

/// Object identifiers of ICAO 9303-11 §9.2 (BSI TR-03110 arc 0.4.0.127.0.7.2.2).
enum SecurityInfoOIDs {
    static let bsi: [UInt] = [0, 4, 0, 127, 0, 7, 2, 2]
    static let pk: [UInt] = bsi + [1]  // id-PK: chip authentication public keys
    static let ta: [UInt] = bsi + [2]  // id-TA
    static let ca: [UInt] = bsi + [3]  // id-CA
    static let pace: [UInt] = bsi + [4]  // id-PACE
    static let aa: [UInt] = [2, 23, 136, 1, 1, 5]  // id-icao-mrtd-security-aaProtocolObject

    /// Named curve OIDs to ICAO standardized parameter ids (§9.5.1).
    static let namedCurves: [[UInt]: Int] = [
        [1, 2, 840, 10045, 3, 1, 1]: 8,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 3]: 9,
        [1, 3, 132, 0, 33]: 10,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 5]: 11,
        [1, 2, 840, 10045, 3, 1, 7]: 12,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 7]: 13,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 9]: 14,
        [1, 3, 132, 0, 34]: 15,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 11]: 16,
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 13]: 17,
        [1, 3, 132, 0, 35]: 18,
    ]

    static func hasPrefix(_ oid: [UInt], _ prefix: [UInt]) -> Bool {
        oid.count > prefix.count && Array(oid.prefix(prefix.count)) == prefix
    }

    /// The DER content bytes of a dotted OID (the value of `06`), as MSE:Set AT's DO'80' and
    /// the PACE token's public key object need them.
    static func contentBytes(_ dotted: String) throws -> [UInt8] {
        let oid = try ASN1ObjectIdentifier(dotRepresentation: dotted)
        var serializer = DER.Serializer()
        try serializer.serialize(oid)
        return try TLV.decode(serializer.serializedBytes).value
    }

    static func dotted(_ components: [UInt]) -> String {
        components.map(String.init).joined(separator: ".")
    }
}
