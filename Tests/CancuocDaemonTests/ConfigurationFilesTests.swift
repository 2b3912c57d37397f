import Foundation
import Testing

@testable import CancuocDaemon

/// `/etc/cancuoc/cancuocd.json` and its drop-ins `/etc/cancuoc/cancuocd.json.d/*.json`
/// (docs/operations.md § Drop-ins).
@Suite struct ConfigurationFilesTests {
    /// A temporary /etc/cancuoc with the given main file (nil: none) and drop-ins.
    private func directory(main: String?, dropIns: [String: String]) throws -> (ConfigurationFiles, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-config-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let files = ConfigurationFiles(mainPath: root.appendingPathComponent("cancuocd.json").path)
        if let main { try Data(main.utf8).write(to: URL(fileURLWithPath: files.mainPath)) }
        if !dropIns.isEmpty {
            try FileManager.default.createDirectory(atPath: files.dropInDirectory, withIntermediateDirectories: true)
            for (name, text) in dropIns {
                try Data(text.utf8).write(to: URL(fileURLWithPath: files.dropInDirectory + "/" + name))
            }
        }
        return (files, root)
    }

    @Test func noFilesMeanTheDefaults() throws {
        let (files, root) = try directory(main: nil, dropIns: [:])
        defer { try? FileManager.default.removeItem(at: root) }
        let loaded = try files.load()
        #expect(loaded.files.isEmpty)
        #expect(loaded.configuration == DaemonConfiguration())
    }

    @Test func dropInsOverrideInNameOrderAndObjectsMergeKeyByKey() throws {
        let (files, root) = try directory(
            main: #"{"facility":{"id":"79001","name":"Trạm y tế A"},"maxClients":10,"web":{"listen":["127.0.0.1:1"]}}"#,
            dropIns: [
                "50-debconf.json": #"{"facility":{"id":"79002"},"maxClients":20}"#,
                "90-local.json": #"{"maxClients":30,"web":{"allowedOrigins":["https://his.benhvien.vn"]}}"#,
                "10-first.json": #"{"maxClients":5,"logLevel":"debug"}"#,
                "README": "not json, not read",
                ".hidden.json": "{\"noSuchSetting\":1}",
                "old.json.dpkg-old": "{\"noSuchSetting\":1}",
            ]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        let loaded = try files.load()
        #expect(
            loaded.files == [
                files.mainPath, files.dropInDirectory + "/10-first.json",
                files.dropInDirectory + "/50-debconf.json", files.dropInDirectory + "/90-local.json",
            ]
        )
        let c = loaded.configuration
        #expect(c.facility.id == "79002")
        #expect(c.facility.name == "Trạm y tế A")  // kept: the drop-in's facility object merged
        #expect(c.maxClients == 30)
        #expect(c.logLevel == "debug")
        #expect(c.web.listen == ["127.0.0.1:1"])
        #expect(c.web.allowedOrigins == ["https://his.benhvien.vn"])
    }

    @Test func nullAndArraysReplace() throws {
        let (files, root) = try directory(
            main: #"{"socketGroup":"cancuoc","web":{"allowedOrigins":["https://a.example","https://b.example"]}}"#,
            dropIns: ["50-x.json": #"{"socketGroup":null,"web":{"allowedOrigins":["https://c.example"]}}"#]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        let c = try files.load().configuration
        #expect(c.socketGroup == nil)
        #expect(c.web.allowedOrigins == ["https://c.example"])
    }

    @Test func dropInsWithoutAMainFile() throws {
        let (files, root) = try directory(main: nil, dropIns: ["50-debconf.json": #"{"facility":{"id":"79003"}}"#])
        defer { try? FileManager.default.removeItem(at: root) }
        let loaded = try files.load()
        #expect(loaded.files == [files.dropInDirectory + "/50-debconf.json"])
        #expect(loaded.configuration.facility.id == "79003")
        #expect(loaded.configuration.maxClients == DaemonConfiguration().maxClients)
    }

    @Test func anUnknownKeyInADropInIsRefusedNamingTheFile() throws {
        let (files, root) = try directory(
            main: #"{"maxClients":10}"#,
            dropIns: ["50-debconf.json": #"{"facility":{"id":"1"},"web":{"allowedOrigin":["https://x.example"]}}"#]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            _ = try files.load()
        } throws: { error in
            let text = "\(error)"
            return text.contains("50-debconf.json") && text.contains("web.allowedOrigin")
                && text.contains("không tồn tại")
        }
    }

    @Test func malformedJSONAndAWrongTypeNameTheFile() throws {
        for (text, expected) in [
            ("{\"maxClients\": ", "not valid JSON"), (#"{"maxClients":"many"}"#, "wrong type for maxClients"),
            ("[1,2]", "top level"),
        ] {
            let (files, root) = try directory(main: "{}", dropIns: ["70-bad.json": text])
            defer { try? FileManager.default.removeItem(at: root) }
            #expect {
                _ = try files.load()
            } throws: { error in
                let description = "\(error)"
                return description.contains("70-bad.json") && description.contains(expected)
                    && description.contains("không đúng định dạng")
            }
        }
    }

    @Test func anInvalidValueNamesTheFileThatSetItLast() throws {
        let (files, root) = try directory(
            main: #"{"maxClients":0}"#,
            dropIns: ["20-a.json": #"{"logLevel":"debug"}"#, "30-b.json": #"{"web":{"listen":["0.0.0.0:28710"]}}"#]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            _ = try files.load()
        } throws: { error in
            // maxClients is checked first and was set by the main file alone.
            guard let error = error as? ConfigurationFileError else { return false }
            return error.path == files.mainPath && "\(error)".contains("maxClients")
                && "\(error)".contains("không hợp lệ")
        }
    }

    @Test func aLaterFileMayCorrectAnEarlierValue() throws {
        let (files, root) = try directory(
            main: #"{"maxClients":0}"#,
            dropIns: ["90-fix.json": #"{"maxClients":12}"#]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try files.load().configuration.maxClients == 12)
    }

    @Test func anInvalidNestedValueNamesItsDropIn() throws {
        let (files, root) = try directory(
            main: #"{"web":{"listen":["127.0.0.1:28710"]}}"#,
            dropIns: ["30-b.json": #"{"web":{"listen":["0.0.0.0:28710"]}}"#]
        )
        defer { try? FileManager.default.removeItem(at: root) }
        #expect {
            _ = try files.load()
        } throws: { error in
            (error as? ConfigurationFileError)?.path == files.dropInDirectory + "/30-b.json"
        }
    }

    @Test func aFileWhereTheDirectoryShouldBeIsRefused() throws {
        let (files, root) = try directory(main: "{}", dropIns: [:])
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: files.dropInDirectory))
        #expect(throws: ConfigurationFileError.self) { _ = try files.load() }
    }
}
