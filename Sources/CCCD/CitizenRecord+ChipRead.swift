import MRTD

extension CitizenRecord {
    /// The record of a chip read: parses DG1, DG13 and DG2 from the raw files. A file the
    /// chip returned but that does not parse makes the card unreadable (`CCCDError`), never a
    /// half-empty record that looks complete.
    public init(chipRead read: ChipRead, includeFaceData: Bool, verification: Verification = .notPerformed) throws {
        try self.init(
            chipRead: read,
            dg13: Self.dg13(of: read),
            includeFaceData: includeFaceData,
            verification: verification
        )
    }

    /// The verified record of a chip read: DG13 parsed once, for the record and for the
    /// verification (its date of issue is the date the Document Signer is checked at).
    public static func build(from read: ChipRead, includeFace: Bool, trust: TrustStore) throws -> CitizenRecord {
        let dg13 = try dg13(of: read)
        let verification = Verification.verify(
            files: read.files,
            dg13: dg13,
            trust: trust,
            chipAuthentication: read.chipAuthentication,
            activeAuthentication: read.activeAuthentication
        )
        return try CitizenRecord(chipRead: read, dg13: dg13, includeFaceData: includeFace, verification: verification)
    }

    private static func dg13(of read: ChipRead) throws -> DG13? {
        try read.files[.dg13].map { bytes in
            do { return try DG13(bytes) } catch { throw ReadError.unreadable("DG13: \(error)") }
        }
    }

    private init(chipRead read: ChipRead, dg13: DG13?, includeFaceData: Bool, verification: Verification) throws {
        let dg1 = try read.files[.dg1].map { bytes in
            do { return try DG1(bytes) } catch { throw ReadError.unreadable("DG1: \(error)") }
        }
        let dg2 = try read.files[.dg2].map { bytes in
            do { return try DG2(bytes) } catch { throw ReadError.unreadable("DG2: \(error)") }
        }
        guard dg1 != nil || dg13 != nil else {
            throw ReadError.unreadable("the chip has neither DG1 nor DG13")
        }
        let faceStatus: FaceStatus = dg2 != nil ? .read : read.skipped.contains(.dg2) ? .skipped : .absent
        self.init(
            dg1: dg1,
            dg13: dg13,
            dg2: dg2,
            faceStatus: faceStatus,
            includeFaceData: includeFaceData,
            access: Access(method: read.access.method, reason: read.access.reason),
            stats: Stats(read.stats),
            verification: verification
        )
    }
}

extension CitizenRecord.Stats {
    public init(_ s: ReadStatistics) {
        self.init(
            apdus: s.apdus,
            bytesSent: s.bytesSent,
            bytesReceived: s.bytesReceived,
            durationMs: s.milliseconds,
            files: s.files.map {
                CitizenRecord.FileStats(name: $0.name, bytes: $0.bytes, apdus: $0.apdus, durationMs: $0.milliseconds)
            }
        )
    }
}
