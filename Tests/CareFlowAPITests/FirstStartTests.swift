@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import ProcessSpawn

/// `careflow serve` as a new user first sees it (issue 16): on a terminal, text logs, one
/// migration progress line and a banner; with its output to a pipe, JSON lines only, with the
/// same facts as `database.migrated` and `server.started` events.
@Suite("First start: terminal banner, JSON lines elsewhere", .tags(.slow), .outsideFastLayer)
struct FirstStartTests {
    /// How many migrations a new database runs: the migration list itself (MigrationListTests
    /// pins its names and order).
    static var migrationCount: Int {
        let keyring = Keyring(master: try! MasterKeys(keys: [FernetKey.generate()]))
        return CareFlowMigrations.all.count + CareFlowMigrations.sealing(keyring: keyring).count + CareFlowMigrations.isolation.count
    }

    static func freshDataFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("careflow-firststart-\(UUID().uuidString)").path
    }

    static func executableIsBuilt() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: CareflowExecutable.path) else {
            Issue.record("\(CareflowExecutable.path) is missing: run `swift build` before `swift test`")
            return false
        }
        return true
    }

    @Test("output to a pipe: every line is a JSON object; one database.migrated event, then server.started with the banner's fields")
    func pipeGetsJSONOnly() async throws {
        guard Self.executableIsBuilt() else { return }
        let data = Self.freshDataFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let output = try await offThePool { try CareflowExecutable.serve(until: "\"server.started\"", output: .pipe, data: data) }

        let lines = output.split(separator: "\n", omittingEmptySubsequences: true)
        var events: [[String: String]] = []
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
            #expect(object != nil, "not a JSON line: \(line)")
            if let object { events.append(object) }
        }
        #expect(!output.contains("[Migrator]"), "per-migration lines are debug detail now")
        #expect(!output.contains("\u{1B}"), "no terminal escapes in a pipe")

        let migrated = events.filter { $0["msg"] == "database.migrated" }
        #expect(migrated.count == 1)
        #expect(migrated.first?["migrations"] == String(Self.migrationCount))
        #expect(migrated.first?["duration_ms"]?.wholeMatch(of: /[0-9]+\.[0-9]{2}/) != nil)

        let started = try #require(events.first { $0["msg"] == "server.started" }, "\(output)")
        let url = try #require(started["url"])
        #expect(url.wholeMatch(of: /http:\/\/127\.0\.0\.1:[0-9]+/) != nil, "\(url)")
        #expect(started["docs"] == url + "/docs" && started["console"] == url + "/console")
        let credentials = (data as NSString).appendingPathComponent("demo-credentials.txt")
        #expect(started["demo_accounts_file"] == credentials)
        #expect(FileManager.default.fileExists(atPath: credentials))
        #expect(started["first_start"] == "true")
        #expect(started["level"] == "notice")
        // Vapor's own line names the same address (the port was picked by the system: --port 0).
        #expect(events.contains { $0["msg"] == "Server started on \(url)" })
        // Nothing about the passwords themselves in the log.
        let passwords = try String(contentsOfFile: credentials, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: "\t").last }
        #expect(!passwords.isEmpty)
        for password in passwords { #expect(!output.contains(password)) }
    }

    @Test("on a terminal: text lines, one progress line counting every migration, Database ready, the full banner; later the short one")
    func terminalGetsBanner() async throws {
        guard Self.executableIsBuilt() else { return }
        let data = Self.freshDataFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let total = Self.migrationCount
        let first = try await offThePool {
            try CareflowExecutable.serve(until: "Ctrl-C to stop", output: .terminal, data: data, environment: ["TERM": "xterm-256color"])
        }.replacingOccurrences(of: "\r\n", with: "\n")

        for line in first.split(separator: "\n") {
            #expect(!line.hasPrefix("{"), "a JSON line on a terminal: \(line)")
        }
        #expect(!first.contains("[Migrator]"))
        // One line redrawn in place: each update clears the previous one; the count goes up by
        // one from 0 to the total.
        let progress = first.matches(of: /Migrating database… ([0-9]+)\/([0-9]+)/).map { (Int($0.1)!, Int($0.2)!) }
        #expect(progress.map(\.0) == Array(0...total), "\(progress)")
        #expect(progress.allSatisfy { $0.1 == total })
        let lastStatus = "Migrating database… \(total)/\(total)"
        let cleared = "\r" + String(repeating: " ", count: lastStatus.count) + "\r"
        #expect(first.contains(lastStatus + cleared + "Database ready (\(total) migrations, "), "\(first.debugDescription)")
        #expect(first.contains(/Database ready \([0-9]+ migrations, [0-9]+\.[0-9] s\)\n/))

        let url = try #require(first.firstMatch(of: /CareFlow is running at \u{1B}\[1m(http:\/\/127\.0\.0\.1:[0-9]+)\u{1B}\[0m/)?.1,
                               "\(first.debugDescription)")
        let credentials = (data as NSString).appendingPathComponent("demo-credentials.txt")
        #expect(first.contains("API documentation  \(url)/docs\n"))
        #expect(first.contains("Admin console      \(url)/console\n"))
        #expect(first.contains("Demo accounts      \(credentials)\n"))
        #expect(first.contains("Press Ctrl-C to stop."))
        // Text log lines, the level coloured (TERM is a colour terminal, NO_COLOR unset).
        #expect(first.contains(/\u{1B}\[36mNOTICE\u{1B}\[0m   \[codes\.vapor\.application\] Server started on http/))
        #expect(first.contains("tenant onboarded from file tenant=kigali-health"))

        // A later start: nothing to migrate, the one-line banner; NO_COLOR: no escape at all.
        let later = try await offThePool {
            try CareflowExecutable.serve(until: "Ctrl-C to stop", output: .terminal, data: data,
                                         environment: ["TERM": "xterm-256color", "NO_COLOR": "1"])
        }.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(!later.contains("\u{1B}"), "\(later.debugDescription)")
        #expect(!later.contains("Migrating database") && !later.contains("Database ready") && !later.contains("Admin console"))
        for line in later.split(separator: "\n") { #expect(!line.hasPrefix("{"), "\(line)") }
        let laterURL = try #require(later.firstMatch(of: /CareFlow is running at (http:\/\/127\.0\.0\.1:[0-9]+) \(docs/)?.1, "\(later)")
        #expect(later.contains("CareFlow is running at \(laterURL) (docs \(laterURL)/docs, console \(laterURL)/console, "
                               + "demo accounts in \(credentials)); press Ctrl-C to stop\n"), "\(later)")
    }
}
