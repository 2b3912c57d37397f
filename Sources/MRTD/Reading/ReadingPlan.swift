/// In which order a read visits the chip's files.
public enum ReadingOrder: String, Sendable, Hashable, CaseIterable {
    /// Ours: what identifies and verifies the person first — DG13, DG1, DG14 (with chip
    /// authentication), EF.SOD — then the face and the rest. The identity is known, verified,
    /// before the face's ~90 short READ BINARY start (docs/design.md §5).
    case identityFirst
    /// EF.COM's data groups in number order, EF.SOD last: how other readers read (DG1, DG2, …),
    /// for the benchmark.
    case sequential
}

/// The files one read visits, in order, split at the identity checkpoint.
struct ReadingPlan: Sendable {
    /// The data groups wanted (EF.COM's list or the request's, without DG2 when the face is
    /// not read); EF.SOD is always read as well.
    let wanted: [DataGroupID]
    /// Read before the checkpoint (identity-first: the identity files and EF.SOD).
    let identity: [DataGroupID]
    /// Read after it.
    let rest: [DataGroupID]
    /// Whether `ReadRequest.identityRead` is called between the two.
    let identityCheckpoint: Bool

    /// The identity files, in the order they are read: DG13 is the person (name, dates, ID,
    /// addresses), DG1 the MRZ, DG14 opens chip authentication.
    static let identityFiles: [DataGroupID] = [.dg13, .dg1, .dg14]
    /// After the checkpoint, the face first.
    static let laterFiles: [DataGroupID] = [.dg2, .dg15, .dg11, .dg12, .dg3]

    var stepCount: Int { identity.count + rest.count }

    init(listed: [DataGroupID], request: ReadRequest) {
        var wanted = request.dataGroups ?? listed
        if !request.options.readFace { wanted.removeAll { $0 == .dg2 } }
        self.wanted = wanted
        switch request.options.order {
        case .identityFirst:
            let known = Self.identityFiles + Self.laterFiles
            identity = Self.identityFiles.filter(wanted.contains) + [.sod]
            rest = Self.laterFiles.filter(wanted.contains) + wanted.filter { !known.contains($0) }
            identityCheckpoint = wanted.contains(.dg1) || wanted.contains(.dg13)
        case .sequential:
            identity = []
            rest = DataGroupID.dataGroups.filter(wanted.contains) + [.sod]
            identityCheckpoint = false
        }
    }
}
