import CCCD
import CardService
import MRTD
import SmartCard

/// Every event the daemon sends (docs/api.md "Events"): one case per method name, each with
/// its typed params, and one encoder. The daemon's clients and the CLI (`cancuoc readers
/// --watch --json`) print the same lines because both go through `message`.
public enum APINotification: Sendable {
    case readerAttached(ReaderAttached)
    case readerDetached(ReaderRef)
    case cardInserted(CardInserted)
    case cardRemoved(ReaderRef)
    case pcscUnavailable(PCSCProblem)
    case pcscRestored
    /// To the caller of `card.read` only.
    case readProgress(ReadProgress)
    /// Personal data, to the caller of `card.read` only: the identity, verified, before the face.
    case readIdentity(ReadIdentity)
    /// To every subscriber: how a read ended, never what it read.
    case readCompleted(ReadCompleted)
    /// Personal data: to `"records": true` subscribers only.
    case cardRecord(CardRecordEvent)
    /// Personal data: to `"records": true` subscribers only.
    case qrScanned(QRScanned)

    /// Every event's wire name (docs/api.md documents each; a test fails when one is missing).
    public enum Kind: String, CaseIterable, Sendable {
        case readerAttached = "reader.attached"
        case readerDetached = "reader.detached"
        case cardInserted = "card.inserted"
        case cardRemoved = "card.removed"
        case pcscUnavailable = "pcsc.unavailable"
        case pcscRestored = "pcsc.restored"
        case readProgress = "read.progress"
        case readIdentity = "read.identity"
        case readCompleted = "read.completed"
        case cardRecord = "card.record"
        case qrScanned = "qr.scanned"
    }

    public var kind: Kind {
        switch self {
        case .readerAttached: .readerAttached
        case .readerDetached: .readerDetached
        case .cardInserted: .cardInserted
        case .cardRemoved: .cardRemoved
        case .pcscUnavailable: .pcscUnavailable
        case .pcscRestored: .pcscRestored
        case .readProgress: .readProgress
        case .readIdentity: .readIdentity
        case .readCompleted: .readCompleted
        case .cardRecord: .cardRecord
        case .qrScanned: .qrScanned
        }
    }

    public var method: String { kind.rawValue }

    /// Carries a citizen's data: broadcast only to subscribers allowed records (docs/design.md,
    /// "Personal data"). Decided here, by the event's type, not at each call site.
    public var carriesPersonalData: Bool {
        switch kind {
        case .readIdentity, .cardRecord, .qrScanned: true
        case .readerAttached, .readerDetached, .cardInserted, .cardRemoved, .pcscUnavailable, .pcscRestored,
            .readProgress, .readCompleted:
            false
        }
    }

    private var params: any Encodable & Sendable {
        switch self {
        case .readerAttached(let p): p
        case .readerDetached(let p), .cardRemoved(let p): p
        case .cardInserted(let p): p
        case .pcscUnavailable(let p): p
        case .pcscRestored: [String: String]()
        case .readProgress(let p): p
        case .readIdentity(let p): p
        case .readCompleted(let p): p
        case .cardRecord(let p): p
        case .qrScanned(let p): p
        }
    }

    /// The JSON-RPC notification, one line without its newline.
    public var message: [UInt8] {
        let params: JSONText
        do {
            params = try JSONText(encoding: self.params)
        } catch {
            // Our own types always encode; a failure would be a bug, never client data.
            params = JSONText(.object(["error": .string("event could not be encoded")]))
        }
        return JSONRPCMessage.notification(method: method, params: params)
    }
}

/// A reader in an event: its stable id (docs/design.md "Readers") and its PC/SC name.
public struct ReaderRef: Codable, Sendable, Hashable {
    public var reader: String
    public var name: String

    public init(reader: String, name: String) {
        self.reader = reader
        self.name = name
    }
}

public struct ReaderAttached: Codable, Sendable, Hashable {
    public var reader: String
    public var name: String
    public var identity: ReaderIdentityListing

    public init(reader: String, name: String, identity: ReaderIdentityListing) {
        self.reader = reader
        self.name = name
        self.identity = identity
    }
}

public struct CardInserted: Codable, Sendable, Hashable {
    public var reader: String
    public var name: String
    /// Hex, upper case.
    public var atr: String

    public init(reader: String, name: String, atr: String) {
        self.reader = reader
        self.name = name
        self.atr = atr
    }
}

public struct PCSCProblem: Codable, Sendable, Hashable {
    /// The PC/SC error name, e.g. `SCARD_E_NO_SERVICE`.
    public var error: String

    public init(error: String) {
        self.error = error
    }
}

public struct ReadProgress: Codable, Sendable, Hashable {
    public var reader: String
    public var step: String
    public var done: Int
    public var total: Int

    public init(reader: String, step: String, done: Int, total: Int) {
        self.reader = reader
        self.step = step
        self.done = done
        self.total = total
    }
}

/// The identity part of a read (docs/design.md §5): the record without the face (`faceStatus`
/// `pending`), verified over the files read so far; the full record follows as the result.
public struct ReadIdentity: Encodable, Sendable {
    public var reader: String
    public var record: CitizenRecord

    public init(reader: String, record: CitizenRecord) {
        self.reader = reader
        self.record = record
    }
}

/// How a read ended. Codes and numbers only: nothing read from the card.
public struct ReadCompleted: Codable, Sendable, Hashable {
    public var reader: String
    public var name: String
    /// `ok` or the failure's `data.reason`.
    public var outcome: ReadOutcome
    @ExplicitNull public var access: AccessMethod?
    @ExplicitNull public var verification: VerificationStatus?
    public var durationMs: Int
    @ExplicitNull public var apdus: Int?
    /// `scanner` when a paired QR scanner started the read; absent otherwise.
    public var trigger: String?
    public var scanner: String?

    public init(
        reader: String,
        name: String,
        outcome: ReadOutcome,
        access: AccessMethod? = nil,
        verification: VerificationStatus? = nil,
        durationMs: Int,
        apdus: Int? = nil,
        trigger: String? = nil,
        scanner: String? = nil
    ) {
        self.reader = reader
        self.name = name
        self.outcome = outcome
        self.access = access
        self.verification = verification
        self.durationMs = durationMs
        self.apdus = apdus
        self.trigger = trigger
        self.scanner = scanner
    }
}

/// A scan-and-tap read's record (docs/integration.md §5).
public struct CardRecordEvent: Encodable, Sendable {
    public var reader: String
    public var name: String
    public var scanner: String
    public var record: CitizenRecord
    public var qrMatchesChip: Bool
    public var qrMismatches: [String]
    /// The fields compared: only those the QR carried recognisably (docs/design.md §9.5).
    public var qrCompared: [String]

    public init(
        reader: String,
        name: String,
        scanner: String,
        record: CitizenRecord,
        qrMatchesChip: Bool,
        qrMismatches: [String],
        qrCompared: [String]
    ) {
        self.reader = reader
        self.name = name
        self.scanner = scanner
        self.record = record
        self.qrMatchesChip = qrMatchesChip
        self.qrMismatches = qrMismatches
        self.qrCompared = qrCompared
    }
}

/// A scanned card front no card followed: the printed QR's fields, not verified.
public struct QRScanned: Codable, Sendable, Hashable {
    public struct Fields: Codable, Sendable, Hashable {
        public var idNumber: String
        @ExplicitNull public var oldIdNumber: String?
        // A field the QR did not carry recognisably is null (docs/design.md §9.5).
        @ExplicitNull public var fullName: String?
        @ExplicitNull public var dateOfBirth: String?
        @ExplicitNull public var sex: String?
        @ExplicitNull public var placeOfResidence: String?
        @ExplicitNull public var dateOfIssue: String?

        public init(
            idNumber: String,
            oldIdNumber: String? = nil,
            fullName: String? = nil,
            dateOfBirth: String? = nil,
            sex: String? = nil,
            placeOfResidence: String? = nil,
            dateOfIssue: String? = nil
        ) {
            self.idNumber = idNumber
            self.oldIdNumber = oldIdNumber
            self.fullName = fullName
            self.dateOfBirth = dateOfBirth
            self.sex = sex
            self.placeOfResidence = placeOfResidence
            self.dateOfIssue = dateOfIssue
        }
    }

    public var reader: String
    public var scanner: String
    public var verified: Bool
    public var qr: Fields

    public init(reader: String, scanner: String, verified: Bool, qr: Fields) {
        self.reader = reader
        self.scanner = scanner
        self.verified = verified
        self.qr = qr
    }
}
