import Foundation
import ProcessSpawn
import Testing

/// A real SMTP server (Python's aiosmtpd, `Interop/smtp_server.py`) on 127.0.0.1, one per
/// test, recording what it sees into its own directory. When python3, aiosmtpd or
/// cryptography is missing, `start` returns nil (the test is skipped) unless
/// `CAREFLOW_REQUIRE_INTEROP=1`, in which case that is a failure.
///
/// `@unchecked Sendable`: the process and pipe are only started once and stopped once.
final class SMTPTestServer: @unchecked Sendable {
    /// Options of smtp_server.py: `--tls`, `--auth USER:PASSWORD`, `--fail STAGE REPLY COUNT`, `--hang`.
    static func start(_ options: [String] = []) async throws -> SMTPTestServer? {
        // Asked once per test process (`import aiosmtpd, cryptography` is a Python start-up).
        guard try await Interop.hasModule("aiosmtpd, cryptography") else {
            if Interop.required { Issue.record("python3 with aiosmtpd and cryptography is missing; interop is required") }
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Starting waits for the script's READY line: off the cooperative pool.
        return try await offThePool { try SMTPTestServer(directory: directory, options: options) }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/smtp_server.py").path

    let directory: URL
    let port: Int
    private let process: ChildProcess
    private let input: Pipe

    private init(directory: URL, options: [String]) throws {
        self.directory = directory
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--dir", directory.path] + options
        input = Pipe()
        let output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        // "READY <port>" once it listens; anything else (or the end of output) means it failed.
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StartFailure(description: "smtp_server.py did not start: \(text) \(stderr)")
        }
        self.port = port
    }

    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The self-signed certificate of a `--tls` server, for the client's `ca_file`.
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }

    /// Closes the script's stdin (it then exits), waits for it, removes its directory.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// One message the server accepted.
    struct Received: Decodable {
        struct Parsed: Decodable {
            let subject: String
            let to_name: String?
            let to_address: String?
            let message_id: String
            let content_type: String
            let text: String?
            let html: String?
        }
        let mail_from: String
        let rcpt_tos: [String]
        let tls: Bool
        let auth_login: String?
        /// The message as received, dot-unstuffed, CRLF line breaks.
        let raw: String
        let seven_bit: Bool
        /// Python's `email` package's reading of it.
        let parsed: Parsed
    }

    /// One SMTP command and the reply code it got.
    struct Event: Decodable, Equatable {
        let command: String
        let reply: String
    }

    var received: [Received] { lines("received.jsonl") }
    var events: [Event] { lines("events.jsonl") }

    private func lines<T: Decodable>(_ name: String) -> [T] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(T.self, from: Data($0)) }
    }
}
