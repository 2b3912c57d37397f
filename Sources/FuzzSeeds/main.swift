import CCCD
import CardSimulator
import FaceCheck
import Foundation
import FuzzHarness
import MRTD
import SmartCard

// Writes the seed corpora under Fuzz/Corpus/<target>/ (docs/fuzzing.md) from the simulator's
// profiles and hand-written inputs. Run: swift run fuzz-seeds Fuzz/Corpus
// Seeds stay small: the 20 KB face is written once (dg2), never copied into other targets.

let root = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "Fuzz/Corpus")
var written = 0

@MainActor func seed(_ target: FuzzTarget, _ name: String, _ bytes: [UInt8]) {
    let dir = root.appendingPathComponent(target.rawValue)
    do {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        written += 1
    } catch {
        FileHandle.standardError.write(Data("cannot write \(target)/\(name): \(error)\n".utf8))
        exit(1)
    }
}

@MainActor func seed(_ target: FuzzTarget, _ name: String, _ text: String) { seed(target, name, Array(text.utf8)) }

// Simulator profiles: EF.COM, DG1, DG13 for each; DG2 for one; the MRZ; the QR text.
let profiles = CitizenProfile.bundledNames
for (index, name) in profiles.enumerated() {
    let profile: CitizenProfile
    let files: [DataGroupID: [UInt8]]
    do {
        profile = try CitizenProfile.load(named: name)
        files = try profile.files()
    } catch {
        FileHandle.standardError.write(Data("profile \(name): \(error)\n".utf8))
        exit(1)
    }
    let com = files[.com] ?? []
    let dg1 = files[.dg1] ?? []
    let dg13 = files[.dg13] ?? []
    seed(.efCOM, name, com)
    seed(.dg1, name, dg1)
    seed(.dg13, name, dg13)
    seed(.tlv, "\(name)-dg13", dg13)
    seed(.mrz, name, profile.mrz.joined(separator: "\n"))
    let d = profile.dg13
    let qrDate: (String) -> String = { String($0.filter(\.isNumber)) }
    seed(
        .qr,
        name,
        "\(d.idNumber)|\(d.oldIdNumber ?? "")|\(d.fullName)|\(qrDate(d.dateOfBirth))|\(d.sex)|\(d.placeOfResidence)|\(qrDate(d.dateOfIssue))"
    )
    seed(.keySpec, "\(name)-id", #"{"id":"\#(d.idNumber)"}"#)
    seed(.keySpec, "\(name)-mrz", #"{"mrz":"\#(profile.mrz.joined(separator: "\\n"))","method":"BAC"}"#)
    let smallFace = DG2.encode(
        jpeg: [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x11, count: 60) + [0xFF, 0xD9],
        width: 48,
        height: 64
    )
    seed(
        .citizenRecord,
        name,
        dg1 + [0xFF, 0xFE, 0xFD, 0xFC] + dg13 + [0xFF, 0xFE, 0xFD, 0xFC] + smallFace
            + [0xFF, 0xFE, 0xFD, 0xFC] + com
    )
    seed(
        .fileReader,
        "\(name)-dg13-sfi-231",
        FuzzHarness.fileReaderSeed(file: dg13, chunkSizeIndex: 4, flags: 1, chunk: 231)
    )
    if index == 0 {
        seed(.dg2, "\(name)-small", smallFace)
        if let dg2 = files[.dg2] { seed(.dg2, name, dg2) }
        seed(.tlv, "\(name)-com", com)
        seed(.tlv, "\(name)-dg1", dg1)
        seed(
            .fileReader,
            "\(name)-dg1-select-7-collect",
            FuzzHarness.fileReaderSeed(file: dg1, chunkSizeIndex: 1, flags: 2, chunk: 7)
        )
    }
}

// QR texts as scanners deliver them (docs/design.md §9.5): BOM, zero-width characters, CR/LF, the 6-field
// layout with dd/MM/yyyy dates, an unknown layout (only the ID), and a health-insurance card's QR.
for (name, text) in QRSamples.all { seed(.qr, name, text) }
for (name, text) in AddressSamples.all { seed(.address, name, text) }

// EF.CardAccess as the simulator (and CCCD cards) carry it; DG14 wraps SecurityInfos in 6E.
for (i, cipher) in [SecureMessagingCipher.aes128, .tripleDES, .aes256].enumerated() {
    let access = SecureChip.Configuration(can: "123456", paceParameterId: [13, 12, 8][i], paceCipher: cipher)
        .efCardAccess
    seed(.cardAccess, "simulator-\(cipher)", access)
    seed(.dg14, "cardaccess-infos-\(cipher)", TLV(tag: 0x6E, value: access).encoded)
    if i == 0 { seed(.tlv, "cardaccess", access) }
}

// ICAO 9303-11 Appendix D MRZ (TD3) and TD1 examples.
seed(.mrz, "icao-td3", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
seed(.mrz, "icao-td1", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")

// APDUs: SELECT, READ BINARY short / extended / odd INS, and the Appendix D protected SELECT.
let commands: [(String, String)] = [
    ("select-ef-com", "00A4020C02011E"), ("read-binary-sfi", "00B08D0000"), ("read-binary-ext", "00B00000000000"),
    ("read-binary-b1", "00B1000003540280000000"), ("get-challenge", "0084000008"),
    ("appendixD-protected-select", "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"),
    ("mse-set-at", "0022C1A40F800A04007F00070202040202830102"),
]
for (name, hex) in commands { seed(.commandAPDU, name, [UInt8](hex: hex)) }
let responses: [(String, String)] = [
    ("ok", "9000"), ("eof", "6282"), ("wrong-le", "6C10"), ("more", "61FF"),
    ("appendixD-protected", "990290008E08FA855A5D4C50A8ED9000"),
    ("data", "60145F0104303130375F36063034303030305C026175" + "9000"),
]
for (name, hex) in responses { seed(.responseAPDU, name, [UInt8](hex: hex)) }

// Secure-messaging responses with a MAC the harness keys verify: each cipher, data and none.
for mode: UInt8 in [0, 1, 2, 3] {
    let plain = ResponseAPDU(data: Array("0123456789abcdef-DG13".utf8), status: .success)
    if let bytes = FuzzHarness.secureMessagingSeed(mode: mode, plain: plain) {
        seed(.smResponse, "data-mode\(mode)", bytes)
    }
    if let bytes = FuzzHarness.secureMessagingSeed(mode: mode, plain: ResponseAPDU(status: .endOfFileReached)) {
        seed(.smResponse, "status-mode\(mode)", bytes)
    }
}
seed(.smResponse, "appendixD-select-ef-com", [0x04] + [UInt8](hex: "990290008E08FA855A5D4C50A8ED9000"))

// PACE and BAC against a scripted chip: every cipher × curve once, one BAC exchange.
for index in 0..<20 {
    if let bytes = FuzzHarness.paceSeed(infoIndex: index) { seed(.pace, "generator-points-\(index)", bytes) }
}
seed(.bac, "challenge-then-answer", FuzzHarness.bacSeed())

// JSON-RPC lines a HIS sends, valid and not.
let lines: [(String, String)] = [
    ("hello", #"{"jsonrpc":"2.0","id":1,"method":"hello","params":{"client":"his","version":"1.0"}}"#),
    (
        "read-can",
        #"{"jsonrpc":"2.0","id":"r-1","method":"card.read","params":{"key":{"can":"123456"},"includeFace":true}}"#
    ),
    (
        "read-id-bac",
        #"{"jsonrpc":"2.0","id":2,"method":"card.read","params":{"key":{"id":"001099012345","dateOfBirth":"990315","method":"BAC"}}}"#
    ),
    ("notification", #"{"jsonrpc":"2.0","method":"cancel","params":[1]}"#),
    ("batch", #"[{"jsonrpc":"2.0","id":1,"method":"hello"}]"#),
    (
        "escapes",
        #"{"jsonrpc":"2.0","id":null,"method":"x\u00e9\ud83d\ude00","params":{"n":-1.5e-3,"b":[true,false,null]}}"#
    ),
    ("bignum", #"{"jsonrpc":"2.0","id":9007199254740993,"method":"readers.list"}"#),
]
for (name, text) in lines { seed(.jsonRPC, name, text) }
let keys: [(String, String)] = [
    ("can", #"{"can":"123456"}"#),
    ("qr", #"{"qr":"001099012345|012345678|Nguyễn Văn An|15031999|Nữ|Hà Nội|20052024"}"#),
    ("bac-fields", #"{"documentNumber":"L898902C<","dateOfBirth":"690806","dateOfExpiry":"940623","method":"BAC"}"#),
    ("id-dates", #"{"id":"001099012345","dateOfBirth":"990315","dateOfExpiry":"390315"}"#),
]
for (name, text) in keys { seed(.keySpec, name, text) }

// Prometheus /api/v1/query answers the province roll-up reads, valid and not.
let promAnswers: [(String, String)] = [
    (
        "vector-reads",
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"facility":"BP-001","instance":"127.0.0.1:9100","job":"node","outcome":"ok","reader_id":"072F:2200:SN1"},"value":[1764000000.123,"12"]},{"metric":{"facility":"BP-001","outcome":"wrongKey","reader_id":"072F:2200:SN1"},"value":[1764000000.123,"1"]}]}}"#
    ),
    (
        "vector-info",
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"facility":"BP-002","reader_id":"Virtual PCD 00 00","name":"Virtual PCD 00 00","vid":"","pid":"","vendor":"","product":""},"value":[1764000000,"1"]}]}}"#
    ),
    (
        "vector-special",
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"reader_id":"r"},"value":[1764000000,"NaN"]},{"metric":{"facility":"F","reader_id":"r"},"value":[1764000000,"+Inf"]}]},"warnings":["too many series"]}"#
    ),
    (
        "vector-trust-face",
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"facility":"BP-001","package":"cancuoc-trust-dongnai","version":"1.10"},"value":[1764000000,"1"]},{"metric":{"facility":"BP-001","package":"cancuoc-trust-dongnai","version":"1.9"},"value":[1764000000,"1"]},{"metric":{"facility":"BP-001","reader_id":"r1","decision":"match"},"value":[1764000000,"5"]},{"metric":{"facility":"BP-001"},"value":[1764000000,"1764086400"]}]}}"#
    ),
    ("scalar", #"{"status":"success","data":{"resultType":"scalar","result":[1764000000,"3.5"]}}"#),
    ("error", #"{"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected end of input"}"#),
    ("matrix", #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#),
    ("empty", #"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
]
for (name, text) in promAnswers { seed(.prometheusQuery, name, text) }

// PC/SC part 10: FEATURE list and GET_TLV_PROPERTIES answers.
seed(.readerFeatures, "two-features", [UInt8](hex: "12 04 42 33 00 12 06 04 42 33 00 06"))
seed(
    .tlvProperties,
    "sample",
    [UInt8](hex: "01 02 00 00 03 01 00 08 04 31 2E 32 33 0A 04 00 00 01 00 0B 02 6B 07 0C 02 21 54")
)

seed(
    .smartcardList,
    "id-card-and-patterns",
    [0]
        + Array(
            """
            # syntax: ATR in regular expression form, then tab-indented descriptions
            3B 9F 96 C0 0A 31 FE 45 75 4A 61 76 65 6C 69 6E 2D 4F 53 20 31 2E 30 51
            \tVietnam ID Card (eID)

            3B 3B .. 00 80 6. A[FE] 03 0[CD] .. .. 83 .. 90 00
            \tA card by pattern
            \thttp://example.org/

            3B EF 00 FF 81 31 42 45 .* 38
            \tAny length in the middle

            """.utf8
        )
)
seed(
    .smartcardList,
    "pattern-lookup",
    [1] + Array("3B 3B .. 00 80 6. A[FE] 03 0[CD] .. .. 83 .. 90 00\n\tA card\n".utf8)
)

// Passive and active authentication: EF.SOD, certificates and CRLs of the test PKI, DG15 keys.
for scheme in [SignatureScheme.rsaPSS, .ecdsaBrainpoolP256r1] {
    do {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let keys = try ChipKeys.generate(aa: scheme == .rsaPSS ? .rsa2048 : .ecdsaP256)
        let set = try ForgeryKit.make(
            .revokedDS,
            profile: profile,
            scheme: scheme,
            extraFiles: [.dg14: keys.dg14, .dg15: keys.dg15]
        )
        seed(.sod, scheme.rawValue, set.files[.sod] ?? [])
        seed(.certificate, "csca-\(scheme.rawValue)", set.pki.csca.certificate.der)
        seed(.certificate, "ds-\(scheme.rawValue).pem", set.pki.documentSigner.certificate.pem)
        seed(.certificate, "crl-\(scheme.rawValue)", set.crls.first?.der ?? [])
        seed(.dg15, "aa-\(scheme == .rsaPSS ? "rsa2048" : "ecdsa-p256")", keys.dg15)
        // crlUpdate: 2-byte length, the CSCA, then a CRL a mirror might serve.
        let csca = set.pki.csca.certificate.der
        let crls = try TestCRLs(pki: set.pki, now: Date(timeIntervalSince1970: 1_790_000_000))
        for (name, crl) in [
            ("revoking", crls.revokingDocumentSigner), ("expired", crls.expired), ("foreign", crls.foreign),
        ] {
            seed(
                .crlUpdate,
                "\(name)-\(scheme.rawValue)",
                [UInt8(csca.count >> 8), UInt8(csca.count & 0xFF)] + csca + crl.der
            )
        }
        seed(
            .crlUpdate,
            "pem-\(scheme.rawValue)",
            [UInt8(csca.count >> 8), UInt8(csca.count & 0xFF)] + csca + Array(crls.current.pem.utf8)
        )
    } catch {
        FileHandle.standardError.write(Data("PKI seeds: \(error)\n".utf8))
        exit(1)
    }
}

// The daemon's camera: Y4M streams as ffmpeg writes them (byte 0: the chunk size), and a raw
// camera frame on the matcher's wire.
do {
    func y4m(_ header: String, frames: Int, bytes: Int, frameLine: String = "FRAME") -> [UInt8] {
        var out = Array((header + "\n").utf8)
        for i in 0..<frames {
            out += Array((frameLine + "\n").utf8) + [UInt8](repeating: UInt8(16 + i * 40), count: bytes)
        }
        return out
    }
    seed(
        .y4mStream,
        "ffmpeg-420jpeg",
        [63] + y4m("YUV4MPEG2 W8 H6 F15:1 Ip A0:0 C420jpeg XYSCSS=420JPEG XCOLORRANGE=LIMITED", frames: 3, bytes: 72)
    )
    seed(.y4mStream, "odd-420", [7] + y4m("YUV4MPEG2 W5 H3 F30000:1001 C420", frames: 2, bytes: 15 + 2 * 6))
    seed(
        .y4mStream,
        "mono-frame-parameters",
        [127] + y4m("YUV4MPEG2 W4 H4 Cmono", frames: 2, bytes: 16, frameLine: "FRAME Ip XA=1")
    )
    seed(.y4mStream, "header-only", [0] + Array("YUV4MPEG2 W640 H480 F15:1 C420jpeg\n".utf8))
    seed(.y4mStream, "cut-frame", [31] + Array(y4m("YUV4MPEG2 W8 H8 C420mpeg2", frames: 1, bytes: 96).dropLast(10)))
    let layout = RawFrameLayout(width: 4, height: 2, format: .yuyv)
    let raw = MatcherRequest.analyseRaw(layout: layout, pixels: [UInt8](repeating: 128, count: layout.byteCount!))
    seed(.matcherStream, "raw-request", [63] + MatcherFrameDecoder.frame(raw.encodedPayload()))
}

print("wrote \(written) seeds under \(root.path)")
