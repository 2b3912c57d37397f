import MRTD
import SmartCard

/// ICAO 9303 parsers: MRZ text, EF.CardAccess / DG14 SecurityInfos, EF.COM, DG1, DG2.
enum MRTDTargets {
    static func mrz(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        if let mrz = try? MRZ(text: text) {
            _ = mrz.accessKey.mrzInformation
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let mrz = try? MRZ(lines: lines) {
            _ = mrz.accessKey.mrzInformation
        }
    }

    /// EF.CardAccess: a bare `SecurityInfos` SET (ICAO 9303-11 §9.2).
    static func securityInfos(_ data: [UInt8]) {
        guard let infos = try? SecurityInfos(derEncoded: data) else { return }
        _ = infos.paceInfos
        _ = infos.chipAuthenticationPublicKeys
        _ = infos.activeAuthenticationInfo
    }

    /// DG14: tag 6E around a `SecurityInfos` SET (ICAO 9303-10 §4.7.14).
    static func dg14(_ data: [UInt8]) {
        guard let file = try? LDSError.decodeFile(data, tag: 0x6E) else { return }
        securityInfos(file.value)
    }

    static func efCOM(_ data: [UInt8]) {
        guard let com = try? EFCOM(data) else { return }
        _ = com.dataGroups
    }

    static func dg1(_ data: [UInt8]) {
        guard let dg1 = try? DG1(data) else { return }
        _ = dg1.mrz.accessKey.mrzInformation
    }

    static func dg2(_ data: [UInt8]) {
        if let dg2 = try? DG2(data) {
            for face in dg2.faces { _ = face.record() }
        }
        // The biometric data block alone (ISO 19794-5 record), as `DG2` hands it on.
        if let face = try? FaceImage(record: data) {
            _ = face.record()
        }
    }
}
