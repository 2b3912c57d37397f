/// Width and height of a JPEG (its SOF segment) or a JPEG 2000 image (the JP2 `ihdr` box or
/// the codestream's SIZ marker), read from the header only: `cancuoc sim --portrait` puts them
/// in the ISO 19794-5 record of DG2. Hostile input throws, never traps (fuzz target
/// `imageDimensions`).
public enum ImageDimensions {
    public struct Unrecognised: Error, Equatable, Sendable {}

    public enum Kind: String, Sendable { case jpeg, jpeg2000 }

    public static func read(
        _ bytes: some Collection<UInt8>
    ) throws(Unrecognised) -> (kind: Kind, width: Int, height: Int) {
        let b = Array(bytes)
        func u16(_ i: Int) throws(Unrecognised) -> Int {
            guard i >= 0, i + 2 <= b.count else { throw Unrecognised() }
            return Int(b[i]) << 8 | Int(b[i + 1])
        }
        func u32(_ i: Int) throws(Unrecognised) -> Int {
            guard i >= 0, i + 4 <= b.count else { throw Unrecognised() }
            return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        }
        func valid(_ kind: Kind, _ w: Int, _ h: Int) throws(Unrecognised) -> (kind: Kind, width: Int, height: Int) {
            guard w > 0, h > 0 else { throw Unrecognised() }
            return (kind, w, h)
        }
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF {
            var i = 2
            while i + 4 <= b.count {
                guard b[i] == 0xFF else { throw Unrecognised() }
                let marker = b[i + 1]
                if marker == 0xFF {
                    i += 1
                    continue
                }
                let length = try u16(i + 2)
                guard length >= 2 else { throw Unrecognised() }
                let isSOF = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
                if isSOF { return try valid(.jpeg, try u16(i + 7), try u16(i + 5)) }
                i += 2 + length
            }
            throw Unrecognised()
        }
        // The codestream: SOC (FF4F) then SIZ (FF51): Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz.
        func siz(at i: Int) throws(Unrecognised) -> (kind: Kind, width: Int, height: Int) {
            guard try u16(i) == 0xFF4F, try u16(i + 2) == 0xFF51 else { throw Unrecognised() }
            let x = try u32(i + 8)
            let y = try u32(i + 12)
            let x0 = try u32(i + 16)
            let y0 = try u32(i + 20)
            return try valid(.jpeg2000, x - x0, y - y0)
        }
        if b.count >= 4, b[0] == 0xFF, b[1] == 0x4F { return try siz(at: 0) }
        // JP2: boxes (length, type); the header box `jp2h` holds `ihdr` (height, width).
        let signature: [UInt8] = [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]
        guard b.count >= 12, Array(b[0..<12]) == signature else { throw Unrecognised() }
        var i = 12
        var boxes = 0
        while i + 8 <= b.count, boxes < 64 {
            boxes += 1
            let length = try u32(i)
            let type = try u32(i + 4)
            if type == 0x6A70_3268 {  // jp2h: its first child is ihdr
                guard try u32(i + 12) == 0x6968_6472 else { throw Unrecognised() }
                return try valid(.jpeg2000, try u32(i + 20), try u32(i + 16))
            }
            guard length >= 8 else { throw Unrecognised() }
            i += length
        }
        throw Unrecognised()
    }
}
