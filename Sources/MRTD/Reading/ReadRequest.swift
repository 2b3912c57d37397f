import SmartCard

/// How a chip is opened (ICAO 9303-11 §4): the one list the record, the API, the usage log and the
/// metrics share (its raw value is the wire and database spelling).
public enum AccessMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case pace = "PACE"
    case bac = "BAC"
}

/// How the chip was opened, and why that way: the record always says which protocol ran.
public struct AccessReport: Hashable, Sendable {
    public typealias Method = AccessMethod
    public var method: Method
    public var reason: String

    public init(method: Method, reason: String) {
        self.method = method
        self.reason = reason
    }
}

/// Per-file wire statistics, for the record, the usage log and the benchmark.
public struct FileStatistics: Hashable, Sendable {
    public var name: String
    public var bytes: Int
    public var apdus: Int
    public var milliseconds: Int
}

public struct ReadStatistics: Hashable, Sendable {
    public var apdus = 0
    public var bytesSent = 0
    public var bytesReceived = 0
    public var milliseconds = 0
    public var files: [FileStatistics] = []
    public init() {}
}

/// What the reader is asked to do.
public struct ReadRequest: Sendable {
    public var key: AccessKey
    /// Further MRZ keys BAC may try in order (plausible expiry dates), bounded by the caller.
    public var alternativeBACKeys: [AccessKey] = []
    /// Skip PACE even when the chip offers it.
    public var forceBAC = false
    /// Run active authentication even when chip authentication passed (one more APDU). Off by
    /// default: ICAO 9303-11 §6 prefers CA when a chip offers both, and an AA signature over a
    /// terminal's challenge is a transferable proof that the card was read.
    public var alwaysRunActiveAuthentication = false
    /// What the caller asked: the face or not, the order, a fixed READ BINARY size.
    public var options = ReadOptions()
    /// The data groups to read besides EF.COM and EF.SOD; nil = those EF.COM lists.
    public var dataGroups: [DataGroupID]? = nil
    /// The largest response data the reader carries, when it said so (PC/SC part 10); nil = unknown.
    public var readerMaxResponse: Int? = nil
    /// Called before each file: step name, files done, files in total.
    public var progress: (@Sendable (String, Int, Int) -> Void)? = nil
    /// Called once, with everything read so far (statistics up to now) and the files still to
    /// read, when the files that identify and verify the person (DG13, DG1, DG14 and chip
    /// authentication, EF.SOD) are read and before the face is (identity-first order only).
    /// A read that fails later has still called it.
    public var identityRead: (@Sendable (ChipRead, [DataGroupID]) -> Void)? = nil

    public init(key: AccessKey) { self.key = key }
}
