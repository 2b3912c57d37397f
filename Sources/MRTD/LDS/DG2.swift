import SmartCard

/// DG2: the encoded face (ICAO 9303-10 §4.7.2). `75` { `7F61` biometric information group
/// template { `02` count, `7F60` biometric information template { `A1` header, `5F2E` or
/// `7F2E` biometric data block (ISO/IEC 19794-5) } … } }.
public struct DG2: Sendable, Hashable {
    /// One entry per `7F60` template.
    public let faces: [FaceImage]
    /// The file as read.
    public let raw: [UInt8]

    /// The first face: the portrait the card holder's photo is printed from.
    public var face: FaceImage? { faces.first }

    public init(_ bytes: some Collection<UInt8>) throws(LDSError) {
        let tlv = try LDSError.decodeFile(bytes, tag: 0x75)
        guard let group = try LDSError.wrap({ () throws(TLVError) -> TLV? in try tlv.child(0x7F61) }) else {
            throw .missing("biometric information group template (7F61)")
        }
        let templates = try LDSError.wrap { () throws(TLVError) -> [TLV] in try group.children() }
            .filter { $0.tag == 0x7F60 }
        var faces: [FaceImage] = []
        for t in templates {
            let children = try LDSError.wrap { () throws(TLVError) -> [TLV] in try t.children() }
            guard let block = children.first(where: { $0.tag == 0x5F2E || $0.tag == 0x7F2E }) else {
                throw .missing("biometric data block (5F2E/7F2E)")
            }
            faces.append(try FaceImage(record: block.value))
        }
        guard !faces.isEmpty else { throw .missing("biometric information template (7F60)") }
        self.faces = faces
        raw = Array(bytes)
    }

    /// Builds DG2 with one face, JPEG or JPEG 2000 (used by the card simulator); the record's
    /// image data type follows the data's signature. The biometric header
    /// template names ISO/IEC JTC 1/SC 37 (`87` 0101) and the face format (`88` 0008).
    public static func encode(jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        let face = FaceImage(imageData: jpeg, width: width, height: height)
        let header = TLV(
            tag: 0xA1,
            children: [
                TLV(tag: 0x80, value: [0x01, 0x01]),
                TLV(tag: 0x87, value: [0x01, 0x01]),
                TLV(tag: 0x88, value: [0x00, 0x08]),
            ]
        )
        let template = TLV(tag: 0x7F60, children: [header, TLV(tag: 0x5F2E, value: face.record())])
        let group = TLV(tag: 0x7F61, children: [TLV(tag: 0x02, value: [0x01]), template])
        return TLV(tag: 0x75, children: [group]).encoded
    }
}
