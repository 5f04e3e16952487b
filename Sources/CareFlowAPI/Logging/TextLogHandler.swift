import Foundation
import Logging

/// Human-readable log lines, for a person watching `careflow serve` in a terminal:
///
///     14:03:07.123 NOTICE   [codes.vapor.application] Server started on http://127.0.0.1:8080
///     14:03:09.410 INFO     [codes.vapor.application] request duration_ms=3.10 method=GET route=/health status=200
///
/// Local time, the level (coloured when `colored`), the logger's label, the message, then the
/// metadata as `key=value` with the same redaction as the JSON lines (`LogRedaction`). Like
/// `JSONLogHandler` it only hands records to the `LogSink`; the writer thread formats them.
public struct TextLogHandler: LogHandler {
    private var values = HandlerMetadata()
    /// What never changes, in one reference: the handler (17 bytes) stays within a logger's
    /// inline buffer (24), so setting a key does not allocate a copy of it.
    private let fixed: Fixed
    public var logLevel: Logger.Level
    private var label: String { fixed.label }
    private var colored: Bool { fixed.colored }
    var sink: LogSink { fixed.sink }

    private final class Fixed: Sendable {
        let label: String
        let colored: Bool
        let sink: LogSink

        init(label: String, colored: Bool, sink: LogSink) {
            self.label = label
            self.colored = colored
            self.sink = sink
        }
    }

    public init(label: String, level: Logger.Level, colored: Bool, sink: LogSink = .standardOutput) {
        self.logLevel = level
        self.fixed = Fixed(label: label, colored: colored, sink: sink)
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
                                    handlerMetadata: metadata, eventMetadata: event.metadata,
                                    format: .text(colored: colored)))
        if event.level == .critical { sink.flush() }
    }

    /// The text line of one record, newline included. Runs on the sink's writer thread.
    static func line(for record: LogSink.Record, colored: Bool, timeZone: TimeZone = .current) -> String {
        var line = ""
        line.reserveCapacity(160)
        let time = timeOfDay(record.date, timeZone: timeZone)
        let level = record.level.rawValue.uppercased()
        let padding = String(repeating: " ", count: max(0, 8 - level.count))
        if colored {
            line += "\u{1B}[2m" + time + "\u{1B}[0m " + color(record.level) + level + "\u{1B}[0m" + padding
        } else {
            line += time + " " + level + padding
        }
        line += " ["
        appendEscaped(record.label, to: &line)
        line += "] "
        appendEscaped("\(record.message)", to: &line)
        for (key, value) in LogRedaction.fields(handler: record.handlerMetadata, event: record.eventMetadata) {
            line += " "
            appendEscaped(key, to: &line)
            line += "="
            if value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) {
                // Quoted, so the next `key=` is unambiguous.
                line += "\""
                appendEscaped(value, to: &line, quoted: true)
                line += "\""
            } else {
                appendEscaped(value, to: &line)
            }
        }
        line += "\n"
        return line
    }

    /// `HH:mm:ss.SSS`: a person watching a terminal knows the date; the JSON lines carry it in full.
    static func timeOfDay(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second, .nanosecond], from: date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = (parts.nanosecond ?? 0) / 1_000_000
        let milliText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(two(parts.hour ?? 0)):\(two(parts.minute ?? 0)):\(two(parts.second ?? 0)).\(milliText)"
    }

    static func color(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "\u{1B}[2m"
        case .info: "\u{1B}[32m"
        case .notice: "\u{1B}[36m"
        case .warning: "\u{1B}[33m"
        case .error: "\u{1B}[31m"
        case .critical: "\u{1B}[1;31m"
        }
    }

    /// Control characters written as escapes: a value from outside (an error text, a header) must
    /// not start a new line that looks like another entry, nor send escape sequences to the
    /// operator's terminal. C1 controls too (U+009B is an escape sequence on some terminals), and
    /// DEL; bidirectional overrides, which could make a line read differently than it is.
    /// `quoted`: inside quotes, where `"` and `\` are escaped too.
    static func appendEscaped(_ text: String, to line: inout String, quoted: Bool = false) {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22 where quoted: line += "\\\""
            case 0x5C where quoted: line += "\\\\"
            case 0x0A: line += "\\n"
            case 0x0D: line += "\\r"
            case 0x09: line += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069:
                let hex = String(scalar.value, radix: 16)
                line += "\\u{" + hex + "}"
            default: line.unicodeScalars.append(scalar)
            }
        }
    }
}
