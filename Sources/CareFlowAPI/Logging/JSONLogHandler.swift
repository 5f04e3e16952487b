import Foundation
import Logging

/// One JSON object per line on stdout, for log shippers. Callers attach identifiers as
/// metadata (request id, tenant, user), never PHI or secrets (`LogRedaction` is the net under
/// that rule).
///
/// `log` only hands a record to the `LogSink` (a bounded queue drained by one writer thread):
/// the line is built and written off the caller's thread, so an access line costs a request a
/// lock and an append. A `critical` line is flushed before `log` returns, as the process may be
/// about to stop.
public struct JSONLogHandler: LogHandler {
    private var values = HandlerMetadata()
    /// What never changes, in one reference: the handler (17 bytes) stays within a logger's
    /// inline buffer (24), so setting a key does not allocate a copy of it.
    private let fixed: Fixed
    public var logLevel: Logger.Level
    private var label: String { fixed.label }
    var sink: LogSink { fixed.sink }

    private final class Fixed: Sendable {
        let label: String
        let sink: LogSink

        init(label: String, sink: LogSink) {
            self.label = label
            self.sink = sink
        }
    }

    public init(label: String, level: Logger.Level, sink: LogSink = .standardOutput) {
        self.logLevel = level
        self.fixed = Fixed(label: label, sink: sink)
    }

    public var metadata: Logger.Metadata {
        get { values.dictionary }
        set { values.dictionary = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.enqueue(LogSink.Record(date: Date(), level: event.level, message: event.message, label: label,
                                    handlerMetadata: metadata, eventMetadata: event.metadata))
        if event.level == .critical { sink.flush() }
    }

    /// The JSON line of one record, newline included. Runs on the sink's writer thread.
    static func line(for record: LogSink.Record) -> String {
        var fields: [(String, String)] = [("ts", timestampStyle.format(record.date)), ("level", record.level.rawValue),
                                          ("msg", "\(record.message)"), ("logger", record.label)]
        fields += LogRedaction.fields(handler: record.handlerMetadata, event: record.eventMetadata, reserved: reservedNames)
        fields.sort { $0.0 < $1.0 }
        // Built by hand: a JSONEncoder per line cost more than the rest of the handler.
        var line = "{"
        line.reserveCapacity(256)
        for (i, (key, value)) in fields.enumerated() {
            if i > 0 { line += "," }
            appendQuoted(key, to: &line)
            line += ":"
            appendQuoted(value, to: &line)
        }
        line += "}\n"
        return line
    }

    private static let reservedNames: Set<String> = ["ts", "level", "msg", "logger"]
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
