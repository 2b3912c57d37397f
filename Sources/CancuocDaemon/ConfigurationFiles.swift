import CancuocAPI
import Foundation

/// The main configuration file and its drop-ins, merged into one `DaemonConfiguration`
/// (docs/operations.md § Drop-ins).
///
/// Read in this order, a later file overriding an earlier one:
/// 1. the main file (`/etc/cancuoc/cancuocd.json`, a conffile the package never rewrites);
/// 2. every `*.json` in the drop-in directory beside it (`/etc/cancuoc/cancuocd.json.d/`),
///    sorted by name byte by byte (as `LC_ALL=C ls` lists them; hidden files are skipped).
///
/// Objects merge key by key at every depth (`{"facility":{"id":"…"}}` in a drop-in keeps the
/// main file's `facility.name`); any other value, arrays and `null` included, replaces the
/// earlier one. The merge happens on the JSON text, before `DaemonConfiguration` decodes and
/// validates it, so every rule of that type (defaults, unknown keys refused, value checks)
/// holds for the result unchanged. Each file is also decoded alone first, so that a
/// misspelt key or a wrong type is reported with the name of the file that holds it; a value
/// out of range is reported with the file that set it last.
public struct ConfigurationFiles: Sendable, Hashable {
    /// The main file.
    public var mainPath: String
    /// The drop-in directory: the main file's path with `.d` appended.
    public var dropInDirectory: String { mainPath + ".d" }

    public init(mainPath: String = DaemonConfiguration.defaultPath) {
        self.mainPath = mainPath
    }

    /// The outcome: the configuration and the files it came from, in the order read (empty
    /// when there were none: all defaults).
    public struct Loaded: Sendable, Hashable {
        public var configuration: DaemonConfiguration
        public var files: [String]
    }

    /// The files that exist, in the order they are merged.
    public func existingFiles() throws(ConfigurationFileError) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        if manager.fileExists(atPath: mainPath) { files.append(mainPath) }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: dropInDirectory, isDirectory: &isDirectory) else { return files }
        guard isDirectory.boolValue else {
            throw ConfigurationFileError(
                path: dropInDirectory,
                .unreadable(path: dropInDirectory, "not a directory")
            )
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: dropInDirectory)
        } catch {
            throw ConfigurationFileError(
                path: dropInDirectory,
                .unreadable(path: dropInDirectory, String(describing: error))
            )
        }
        let dropIns = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        files += dropIns.map { dropInDirectory + "/" + $0 }
        return files
    }

    /// Reads and merges every file. A missing main file and a missing drop-in directory are
    /// no error (the defaults); anything unreadable, malformed or invalid throws, naming the file.
    public func load() throws(ConfigurationFileError) -> Loaded {
        let files = try existingFiles()
        var documents: [(path: String, data: Data)] = []
        for path in files {
            do {
                documents.append((path, try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch {
                throw ConfigurationFileError(path: path, .unreadable(path: path, String(describing: error)))
            }
        }
        return Loaded(configuration: try Self.merge(documents), files: files)
    }

    /// Merges `documents` (in order, later overriding earlier) into one configuration.
    public static func merge(
        _ documents: [(path: String, data: Data)]
    ) throws(ConfigurationFileError) -> DaemonConfiguration {
        var merged: [String: JSONValue] = [:]
        /// Which file set each setting last, by dotted path ("web.listen").
        var origin: [String: String] = [:]
        for (path, data) in documents {
            let value: JSONValue
            do {
                value = try JSONParser().parse(data)
            } catch {
                throw ConfigurationFileError(path: path, .malformed(path: path, "not valid JSON (\(error))"))
            }
            guard case .object(let members) = value else {
                throw ConfigurationFileError(
                    path: path,
                    .malformed(path: path, "the top level must be an object ({ … })")
                )
            }
            // Alone, for the errors that belong to this file: unknown keys, wrong types.
            do {
                _ = try DaemonConfiguration.parse(data, path: path)
            } catch .invalidValue {
                // Judged on the merged result: a later file may correct it.
            } catch {
                throw ConfigurationFileError(path: path, error)
            }
            merge(members, into: &merged, prefix: "", path: path, origin: &origin)
        }
        let text = Data(JSONValue.object(merged).serialized.utf8)
        do {
            return try DaemonConfiguration.parse(text, path: documents.last?.path ?? "(defaults)")
        } catch {
            if case .invalidValue(let setting, _, _) = error, let path = Self.file(of: setting, origin) {
                throw ConfigurationFileError(path: path, error)
            }
            throw ConfigurationFileError(path: documents.map(\.path).joined(separator: " + "), error)
        }
    }

    private static func merge(
        _ members: [String: JSONValue],
        into merged: inout [String: JSONValue],
        prefix: String,
        path: String,
        origin: inout [String: String]
    ) {
        for (key, value) in members {
            let dotted = prefix + key
            if case .object(let inner) = value, case .object(var existing)? = merged[key] {
                merge(inner, into: &existing, prefix: dotted + ".", path: path, origin: &origin)
                merged[key] = .object(existing)
            } else {
                merged[key] = value
                origin = origin.filter { !$0.key.hasPrefix(dotted + ".") }
            }
            origin[dotted] = path
        }
    }

    /// The file that set `setting` last (or its nearest enclosing object).
    private static func file(of setting: String, _ origin: [String: String]) -> String? {
        var parts = setting.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            if let path = origin[parts.joined(separator: ".")] { return path }
            parts.removeLast()
        }
        return nil
    }
}

/// A refused configuration file: which file, and why (the reason is already in English and
/// Vietnamese).
public struct ConfigurationFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: DaemonConfigurationError

    public init(path: String, _ reason: DaemonConfigurationError) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unreadable, .malformed: "\(reason)"  // these name the file already
        default: "\(path): \(reason) (tệp \(path))"
        }
    }
}
