import Foundation
import Logging

/// One JSON object per line on stdout, for log shippers. Callers attach identifiers as
/// metadata (request id, tenant, user), never PHI or secrets.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [("ts", Self.timestampStyle.format(Date())), ("level", event.level.rawValue),
                                          ("msg", "\(event.message)"), ("logger", label)]
        let extra = event.metadata.map { metadata.merging($0, uniquingKeysWith: { $1 }) } ?? metadata
        for (key, value) in extra where !["ts", "level", "msg", "logger"].contains(key) { fields.append((key, "\(value)")) }
        fields.sort { $0.0 < $1.0 }
        // Built by hand: this runs for every request's access line, and a JSONEncoder per line
        // cost more than the rest of the handler.
        var line = "{"
        line.reserveCapacity(256)
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { line += "," }
            Self.appendQuoted(key, to: &line)
            line += ":"
            Self.appendQuoted(value, to: &line)
        }
        line += "}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// JSON string escaping (RFC 8259 §7): quotes, backslashes and control characters.
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                line += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
