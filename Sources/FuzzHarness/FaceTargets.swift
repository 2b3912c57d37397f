import FaceCheck

/// The face check's parsers (docs/face-check.md): the matcher's wire protocol as the client reads it, and
/// the image header reader of `cancuoc sim --portrait`.
enum FaceTargets {
    /// Bytes as they come from the matcher's socket: cut into frames (a decoder fed in chunks
    /// whose size byte 0 picks), each frame parsed as an answer and as a request. An answer that
    /// parses must encode back to the same bytes.
    static func matcherStream(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let chunk = Int(first % 64) + 1
        var decoder = MatcherFrameDecoder(maxFrameLength: 1 << 16)
        var index = 1
        while index < data.count {
            decoder.append(data[index..<min(index + chunk, data.count)])
            index += chunk
            do {
                while let payload = try decoder.next() {
                    if let response = try? MatcherResponse(payload: payload[...]) {
                        let again = try? MatcherResponse(payload: response.encodedPayload()[...])
                        precondition(again == response, "an answer changed on its way back over the wire")
                    }
                    _ = try? MatcherRequest(payload: payload[...])
                }
            } catch {
                return
            }
        }
    }

    static func imageDimensions(_ data: [UInt8]) {
        _ = try? ImageDimensions.read(data)
        _ = try? ImageDimensions.read(data.dropFirst())
    }
}
