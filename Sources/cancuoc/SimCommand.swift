import ArgumentParser
import CardSimulator
import Foundation
import Logging
import MRTD
import PCSC
import SmartCard

/// `cancuoc sim`: plugs a simulated card into vpcd so integrators can work without a card.
/// Reconnects when pcscd restarts, until interrupted.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the card simulator as a card in a vpcd reader slot."
    )

    @Option(help: "vpcd port of slot 0 (vpcd's default is 35963).")
    var port: UInt16 = 35963

    @Option(help: "vpcd slot: connects to port + slot.")
    var slot: UInt16 = 0

    @Option(help: "Host where pcscd with vpcd runs.")
    var host = "127.0.0.1"

    @Option(
        help:
            "Citizen profile: a bundled name (\(CitizenProfile.bundledNames.joined(separator: ", "))) or a profile JSON file."
    )
    var profile: String = "tran-minh-khoa"

    @Option(help: "Put this photo (JPEG or JPEG 2000, at most 64 KB) in DG2 as the chip portrait.")
    var portrait: String?

    @Flag(name: .customLong("short-only"), help: "Simulate a card that takes short APDUs only (no extended length).")
    var shortOnly = false

    @Option(help: "Simulated processing time per APDU, in milliseconds (contactless cards: about 5).")
    var latency: Int = 0

    @Option(
        help: ArgumentHelp(
            "Take as long as a real chip on a real reader: \(ChipTiming.profiles.map(\.name).joined(separator: ", ")), or a JSON file of the model (docs/performance.md).",
            valueName: "profile"
        )
    )
    var timing: String?

    @Flag(name: .customLong("no-pace"), help: "Simulate an older chip that offers BAC only.")
    var noPACE = false

    @Option(help: "Simulate a forged card: \(SimulatedForgery.allCases.map(\.description).joined(separator: ", ")).")
    var fault: String?

    @Option(help: "Document Signer key: \(SignatureScheme.allCases.map(\.rawValue).joined(separator: ", ")).")
    var signer: String = SignatureScheme.ecdsaBrainpoolP256r1.rawValue

    @Option(
        name: .customLong("contact-chip"),
        help: ArgumentHelp(
            "Be the ID card's contact chip, as if pushed into the contact slot of a dual reader (its contact ATR): answering (the chip answers the ID-card application) or silent (it does not).",
            valueName: "answering|silent"
        )
    )
    var contactChip: ContactChipBehaviour?

    @Option(
        name: .customLong("trust-out"),
        help: "Write this card's CSCA certificate (and CRLs) to this directory, for `read --trust` or the daemon."
    )
    var trustOut: String?

    @Option(
        name: .customLong("crl-out"),
        help:
            "Write CRLs of this card's CSCA to this directory: revokes-ds.crl (lists its Document Signer), expired.crl, current.crl, and foreign.crl (signed by another key)."
    )
    var crlOut: String?

    func validate() throws {
        guard UInt32(port) + UInt32(slot) <= UInt32(UInt16.max) else {
            throw ValidationError("port + slot is beyond 65535")
        }
        guard (0...1000).contains(latency) else { throw ValidationError("--latency is 0 to 1000 ms") }
        if let fault, SimulatedForgery(name: fault) == nil { throw ValidationError("unknown --fault \(fault)") }
        guard SignatureScheme(rawValue: signer) != nil else { throw ValidationError("unknown --signer \(signer)") }
        _ = try chipTiming()
    }

    /// `--timing`: a profile's name or a JSON file of `ChipTiming`.
    private func chipTiming() throws -> ChipTiming? {
        guard let timing else { return nil }
        if let profile = ChipTiming.profile(named: timing) { return profile }
        guard timing.hasSuffix(".json") || timing.contains("/") else {
            throw ValidationError(
                "unknown --timing \(timing): give \(ChipTiming.profiles.map(\.name).joined(separator: ", ")) or a JSON file"
            )
        }
        do {
            return try JSONDecoder().decode(ChipTiming.self, from: Data(contentsOf: URL(fileURLWithPath: timing)))
        } catch {
            throw ValidationError("--timing \(timing) is not a timing model: \(error)")
        }
    }

    func run() async throws {
        CLILogging.bootstrap
        var citizen: CitizenProfile
        if profile.hasSuffix(".json") || profile.contains("/") {
            citizen = try CitizenProfile.load(contentsOf: URL(fileURLWithPath: profile))
        } else {
            citizen = try CitizenProfile.load(named: profile)
        }
        if let portrait { citizen = try citizen.withPortrait(portrait) }
        let timing = try chipTiming()
        var options = SimulatedCCCD.Options(
            maxResponseData: shortOnly || timing?.extendedLength == false ? 256 : 65536,
            latency: latency > 0 ? .milliseconds(latency) : nil,
            supportsPACE: !noPACE,
            forgery: fault.flatMap(SimulatedForgery.init(name:)),
            signer: SignatureScheme(rawValue: signer) ?? .ecdsaBrainpoolP256r1
        )
        options.timing = timing
        let built = try SimulatedCCCD.build(profile: citizen, options: options)
        let card: any APDUHandler =
            switch contactChip {
            case nil: built.handler
            case .answering?: ContactChip(atr: KnownCard.vietnameseIDCardContactChip.atrs[0], answering: built.handler)
            case .silent?: ContactChip(atr: KnownCard.vietnameseIDCardContactChip.atrs[0])
            }
        if let trustOut {
            try built.writeTrust(to: URL(fileURLWithPath: trustOut))
            Output.line("trust anchors written to \(trustOut)")
        }
        if let crlOut {
            try TestCRLs(pki: built.fileSet.pki).write(to: URL(fileURLWithPath: crlOut))
            Output.line("CRLs written to \(crlOut)")
        }
        Output.line(
            "simulated CCCD: \(citizen.name) (ID \(citizen.dg13.idNumber), CAN \(citizen.dg13.idNumber.suffix(6)))"
                + (fault.map { ", forged: \($0)" } ?? "")
                + (contactChip.map { ", its contact chip (\($0.rawValue))" } ?? "")
                + (timing.map { ", timing of a real chip: \($0.name)" } ?? "")
        )
        let transport = VirtualCardTransport(card: card, host: host, port: port + slot)
        while true {
            do {
                try await transport.connect(timeout: .seconds(5))
            } catch {
                Output.error("sim: \(error); retrying")
                continue
            }
            Output.line("card inserted in vpcd \(host):\(port + slot)")
            await transport.waitUntilDisconnected()
            Output.line("vpcd closed the connection; reconnecting")
        }
    }
}

/// `cancuoc sim --contact-chip`: whether the ID card's contact chip answers the ID-card application.
enum ContactChipBehaviour: String, ExpressibleByArgument, CaseIterable {
    case answering, silent
}
