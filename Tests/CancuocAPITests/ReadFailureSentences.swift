import Testing

@testable import CancuocAPI
@testable import CardService

/// One table of read-failure sentences (docs/design.md §9.3): the API's codes 1001–1009 say
/// what `ReadFailure` says, in both languages.
@Suite struct ReadFailureSentences {
    @Test(arguments: APIError.Kind.allCases.filter { $0.code > 0 })
    func everyReadCodeTakesItsSentencesFromTheReadFailure(_ kind: APIError.Kind) throws {
        let failure = try #require(kind.readFailure, "\(kind) reports a read failure")
        #expect(failure.apiKind == kind)
        #expect(kind.message == failure.message)
        #expect(kind.messageVi == failure.messageVi)
    }

    @Test func everyFailureHasItsOwnSentenceInEachLanguage() {
        let kinds = ReadFailure.Kind.allCases
        #expect(Set(kinds.map(\.message)).count == kinds.count)
        #expect(Set(kinds.map(\.messageVi)).count == kinds.count)
        for kind in kinds {
            #expect(kind.message != kind.messageVi, "\(kind) has a Vietnamese sentence of its own")
            if kind.rawValue.contains(where: \.isUppercase) {
                #expect(!kind.message.contains(kind.rawValue), "\(kind)'s sentence is words, not the enum's name")
            }
        }
    }

    @Test func aFailureWithACauseSaysTheKindsSentenceThenTheCause() {
        let failure = ReadFailure.noReader("the reader is gone")
        #expect(failure.message == "No card reader found: the reader is gone")
        #expect(failure.apiError().message == failure.message)
        #expect(failure.apiError().messageVi == "Không tìm thấy đầu đọc thẻ")
    }
}
