import Testing

@testable import FaceCheck

@Suite struct MatcherWire {
    static let analysis = FaceAnalysis(
        width: 640,
        height: 480,
        faceCount: 1,
        face: FaceBox(left: -3, top: 10, width: 120, height: 121),
        sharpness: 212.5,
        descriptor: (0..<128).map { Float($0) / 1000 - 0.05 },
        thumbnail: (0..<256).map { UInt8($0) }
    )

    @Test func anAnalysisSurvivesTheWire() throws {
        let payload = MatcherResponse.analysis(Self.analysis).encodedPayload()
        #expect(payload.count == 2 + 4 * 8 + 1 + 128 * 4 + 256)
        #expect(try MatcherResponse(payload: payload[...]) == .analysis(Self.analysis))
    }

    @Test func aFailureSurvivesTheWire() throws {
        for failure in [MatcherFailure.undecodable, .tooLarge, .internalError] {
            let payload = MatcherResponse.failure(failure).encodedPayload()
            #expect(try MatcherResponse(payload: payload[...]) == .failure(failure))
        }
    }

    @Test func aRequestSurvivesTheWire() throws {
        let request = MatcherRequest.analyse(image: [0xFF, 0xD8, 0xFF, 1, 2])
        #expect(try MatcherRequest(payload: request.encodedPayload()[...]) == request)
        #expect(throws: MatcherProtocolError.self) { try MatcherRequest(payload: [1, 1][...]) }
        #expect(throws: MatcherProtocolError.self) { try MatcherRequest(payload: [2, 1, 0][...]) }
        #expect(throws: MatcherProtocolError.self) { try MatcherRequest(payload: [1, 9, 0][...]) }
    }

    @Test func everyTruncationIsRefused() {
        let payload = MatcherResponse.analysis(Self.analysis).encodedPayload()
        for cut in 0..<payload.count {
            #expect(throws: MatcherProtocolError.self) { try MatcherResponse(payload: payload[0..<cut]) }
        }
        #expect(throws: MatcherProtocolError.self) { try MatcherResponse(payload: (payload + [0])[...]) }
    }

    @Test func aDescriptorWithoutOneFaceIsRefused() {
        var twoFaces = Self.analysis
        twoFaces.faceCount = 2
        let payload = MatcherResponse.analysis(twoFaces).encodedPayload()
        #expect(throws: MatcherProtocolError.self) { try MatcherResponse(payload: payload[...]) }
    }

    @Test func framesAreCutWhateverTheChunks() throws {
        let payloads: [[UInt8]] = [[1, 2, 3], [4], Array(repeating: 7, count: 5000)]
        let stream = payloads.flatMap { MatcherFrameDecoder.frame($0) }
        for chunkSize in [1, 3, 4, 7, 4096, stream.count] {
            var decoder = MatcherFrameDecoder()
            var got: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                decoder.append(stream[index..<min(index + chunkSize, stream.count)])
                index += chunkSize
                while let payload = try decoder.next() { got.append(payload) }
            }
            #expect(got == payloads)
            #expect(decoder.bufferedCount == 0)
        }
    }

    @Test func emptyAndOversizedFramesAreRefused() {
        var empty = MatcherFrameDecoder()
        empty.append([0, 0, 0, 0])
        #expect(throws: MatcherProtocolError.self) { try empty.next() }
        var huge = MatcherFrameDecoder(maxFrameLength: 100)
        huge.append([0, 0, 0, 101])
        #expect(throws: MatcherProtocolError.self) { try huge.next() }
    }
}
