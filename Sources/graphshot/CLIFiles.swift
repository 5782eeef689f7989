import Foundation
import Graphshot

/// Reading and writing the files CLI commands name, with errors that say which file and why.
enum CLIFiles {
    /// The text of `path` ('-' reads standard input), which must be UTF-8.
    static func readText(_ path: String, what: String) throws(CLIError) -> String {
        let bytes: Data
        if path == "-" {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError(description: "\(path): cannot read the \(what) file")
            }
            bytes = contents
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw CLIError(description: "\(path == "-" ? "standard input" : path): the \(what) is not UTF-8 text")
        }
        return text
    }

    /// Writes `bytes` to `path` ('-' is standard output).
    static func write(_ bytes: [UInt8], to path: String) throws(CLIError) {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CLIError(description: "\(path): cannot write the file")
        }
    }

    /// An aws-CLI-style JSON argument: `file://path`, a path to a file, or the JSON text itself
    /// (anything starting with `[` or `{`).
    static func json(argument: String, what: String) throws(CLIError) -> String {
        if argument.hasPrefix("file://") { return try readText(String(argument.dropFirst(7)), what: what) }
        let trimmed = argument.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        if trimmed.hasPrefix("[") || trimmed.hasPrefix("{") { return argument }
        return try readText(argument, what: what)
    }

    /// An instant given as ISO 8601 or as epoch seconds.
    static func time(_ text: String, option: String) throws(CLIError) -> EpochSeconds {
        if let t = ISO8601.parse(text) { return t }
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e13 { return EpochSeconds(seconds.rounded(.down)) }
        throw CLIError(description: "\(option): \"\(text)\" is not an ISO 8601 date and time (e.g. 2024-03-01T12:00:00Z) or epoch seconds")
    }

    /// `--now` (ISO 8601), or the current time.
    static func now(_ text: String?) throws(CLIError) -> EpochSeconds {
        guard let text else { return EpochSeconds(Date().timeIntervalSince1970.rounded(.down)) }
        guard let parsed = ISO8601.parse(text) else {
            throw CLIError(description: "--now: \"\(text)\" is not an ISO 8601 date and time (e.g. 2024-03-01T12:00:00Z)")
        }
        return parsed
    }
}
