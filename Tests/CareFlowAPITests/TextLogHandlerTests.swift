@testable import CareFlowAPI
import Foundation
import Logging
import Testing

/// The human-readable log lines of a terminal: what a person reads, with the same redaction as
/// the JSON lines and nothing an outside value could use to forge a line or drive the terminal.
@Suite("Text log lines")
struct TextLogHandlerTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-12-01 14:03:07.123 UTC.
    static let date = Date(timeIntervalSince1970: 1_796_133_787.1235)

    static func record(_ message: Logger.Message, level: Logger.Level = .info, label: String = "careflow.test",
                       handler: Logger.Metadata = [:], event: Logger.Metadata? = nil) -> LogSink.Record {
        LogSink.Record(date: date, level: level, message: message, label: label, handlerMetadata: handler,
                       eventMetadata: event, format: .text(colored: false))
    }

    @Test("time, level, label, message, then the metadata as key=value sorted by key, event over handler")
    func layout() {
        let line = TextLogHandler.line(
            for: Self.record("tenant onboarded", level: .notice, handler: ["tenant": "kigali", "request-id": "r-1"],
                             event: ["tenant": "lakeside", "rows": "3"]),
            colored: false, timeZone: Self.utc)
        #expect(line == "14:03:07.123 NOTICE   [careflow.test] tenant onboarded request-id=r-1 rows=3 tenant=lakeside\n")
    }

    @Test("values with spaces, quotes or = are quoted and escaped; an empty value is shown as \"\"")
    func quoting() {
        let line = TextLogHandler.line(
            for: Self.record("x", event: ["error": "disk full: \"a=b\"", "empty": "", "path": "/tmp/a"]),
            colored: false, timeZone: Self.utc)
        #expect(line.hasSuffix(#" x empty="" error="disk full: \"a=b\"" path=/tmp/a"# + "\n"), "\(line)")
    }

    @Test("control characters from outside become escapes: no forged second line, no terminal escape sequence")
    func controlCharacters() {
        let hostile = "bad\nline\u{1B}[31m red\u{9B}2J \u{202E}txt.exe\u{7F}"
        let line = TextLogHandler.line(for: Self.record(Logger.Message(stringLiteral: hostile), event: ["error": .string(hostile)]),
                                       colored: false, timeZone: Self.utc)
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"))
        for forbidden: UInt32 in [0x1B, 0x9B, 0x202E, 0x7F, 0x0A] {
            #expect(!line.dropLast().unicodeScalars.contains { $0.value == forbidden }, "U+\(String(forbidden, radix: 16)) in \(line)")
        }
        #expect(line.contains(#"bad\nline\u{1b}[31m red\u{9b}2J \u{202e}txt.exe\u{7f}"#), "\(line)")
    }

    @Test("colour: the level in its ANSI colour and the time dimmed when colored; no escape at all when not")
    func colour() {
        let plain = TextLogHandler.line(for: Self.record("failed", level: .error), colored: false, timeZone: Self.utc)
        let colored = TextLogHandler.line(for: Self.record("failed", level: .error), colored: true, timeZone: Self.utc)
        #expect(!plain.contains("\u{1B}"))
        #expect(colored.hasPrefix("\u{1B}[2m14:03:07.123\u{1B}[0m \u{1B}[31mERROR\u{1B}[0m"), "\(colored)")
        #expect(colored.contains("[careflow.test] failed"))
        let warning = TextLogHandler.line(for: Self.record("w", level: .warning), colored: true, timeZone: Self.utc)
        #expect(warning.contains("\u{1B}[33mWARNING\u{1B}[0m"))
    }

    @Test("time of day in the given zone, milliseconds padded")
    func timeOfDay() {
        #expect(TextLogHandler.timeOfDay(Date(timeIntervalSince1970: 3_600 * 5 + 60 * 4 + 9.0075), timeZone: Self.utc) == "05:04:09.007")
        #expect(TextLogHandler.timeOfDay(Date(timeIntervalSince1970: 0), timeZone: TimeZone(secondsFromGMT: 3_600 * 2)!) == "02:00:00.000")
    }

    @Test("secrets and PHI by metadata name are redacted in both formats alike; identifiers are not",
          arguments: ["password", "new_password", "api_key", "apiKey", "Authorization", "access-token", "client_secret",
                      "otp", "patient.email", "phone", "dob", "mrn", "session_cookie"])
    func redaction(name: String) throws {
        let secret = "s3cr3t-value-\(name.count)"
        let metadata: Logger.Metadata = [name: .string(secret), "tenant_id": "t-1", "request-id": "r-1"]
        let text = TextLogHandler.line(for: Self.record("login", event: metadata), colored: false, timeZone: Self.utc)
        #expect(!text.contains(secret), "\(text)")
        #expect(text.contains("\(name)=<redacted>") && text.contains("tenant_id=t-1") && text.contains("request-id=r-1"), "\(text)")

        var jsonRecord = Self.record("login", event: metadata)
        jsonRecord.format = .json
        let json = jsonRecord.line
        #expect(!json.contains(secret))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object[name] == "<redacted>" && object["tenant_id"] == "t-1" && object["request-id"] == "r-1")
    }

    @Test("the names CareFlow logs today are kept", arguments: [
        "request-id", "user_id", "tenant_id", "tenant", "method", "route", "status", "duration_ms", "error", "error_type",
        "document_id", "dataset", "outbox_id", "device_id", "capability", "migration", "database-id", "dropped", "url",
        "docs", "console", "first_start", "demo_accounts_file", "migrations", "path", "rows", "sent", "messages",
    ])
    func keptNames(name: String) {
        #expect(!LogRedaction.isSensitive(name))
    }

    @Test("a status line is cleared before the next line; text keeps its place among the records")
    func statusLines() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let sink = LogSink(fileDescriptor: ends[1])
        var logger = Logger(label: "careflow.test") { TextLogHandler(label: $0, level: .info, colored: false, sink: sink) }
        logger.logLevel = .info
        sink.writeStatus("Migrating database… 1/2")
        sink.writeStatus("Migrating database… 2/2")
        logger.info("between")
        sink.writeText("Database ready\n")
        sink.close()
        close(ends[1])
        let output = String(decoding: FileHandle(fileDescriptor: ends[0]).readDataToEndOfFile(), as: UTF8.self)
        // Overwritten with as many spaces as it had characters (no escape sequence: a dumb
        // terminal would print it), the cursor back at the start of the line.
        let clear = "\r" + String(repeating: " ", count: "Migrating database… 1/2".count) + "\r"
        let expectedStart = "Migrating database… 1/2" + clear + "Migrating database… 2/2" + clear
        #expect(output.hasPrefix(expectedStart), "\(output.debugDescription)")
        let rest = output.dropFirst(expectedStart.count)
        #expect(rest.wholeMatch(of: /[0-9:.]{12} INFO     \[careflow\.test\] between\nDatabase ready\n/) != nil,
                "cleared once per status line, not after plain lines: \(output.debugDescription)")
    }
}
