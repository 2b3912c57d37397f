import Foundation

/// Unbuffered line output: `--watch` and `sim` lines must show up at once, even in a pipe.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("cancuoc: " + text + "\n").utf8))
    }
}
