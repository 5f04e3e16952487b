@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import ProcessSpawn

/// `careflow worker --once --now <ISO-8601>` run as an operator runs it, on the data folder of a
/// test app: one reminder pass at that instant, delivered to the tenant's console journal.
@Suite("Command line: worker --once --now", .tags(.slow), .outsideFastLayer)
struct ReminderCommandLineTests {
    static var executable: String { CareflowExecutable.path }

    static func careflow(_ arguments: [String], config: AppConfiguration) async throws -> CareflowExecutable.Run {
        let (data, tenants) = (config.dataDirectory, config.tenantsDirectory)
        let (models, datasets) = (config.shippedModelsDirectory, config.datasetsDirectory)
        return try await offThePool { try CareflowExecutable.run(arguments, data: data, tenants: tenants,
                                   models: models, datasets: datasets) }
    }

    @Test("one pass at the given instant sends the due reminder once; an instant that is not ISO-8601 is refused")
    func once() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            Issue.record("\(Self.executable) is missing: run `swift build` before `swift test`")
            return
        }
        let file = "slug: cli\nname: CLI tenant\ntimezone: Africa/Kigali\nintegrations:\n  sms: {adapter: console}\n"
        try await withCareFlow(.sqlite, tenantFiles: ["cli.yaml": file]) { app in
            let t = try await Fixtures.tenant(app, slug: "cli")
            let patient = try await Fixtures.patient(app, t, phone: "+250788123777")
            let zone = TimeZone(identifier: "Africa/Kigali")!
            let start = ReminderFixtures.local(daysAhead: 3, 10, zone: zone)
            try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            let config = app.services.configuration

            for bad in ["tomorrow", "2026-13-01T08:00:00Z", "2026-03-29 08:00"] {
                let refused = try await Self.careflow(["worker", "--once", "--now", bad], config: config)
                #expect(refused.status != 0, "\(bad): \(refused.output)")
                #expect(refused.output.contains("--now") && refused.output.contains("ISO-8601"), "\(refused.output)")
            }
            let at = SchedulingFixtures.iso(start.addingTimeInterval(-86_400 + 600))
            let run = try await Self.careflow(["worker", "--once", "--now", at], config: config)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("1 reminders sent (1 messages)") && run.output.contains("1 messages handled"), "\(run.output)")
            let again = try await Self.careflow(["worker", "--once", "--now", at], config: config)
            #expect(again.output.contains("0 reminders sent"), "\(again.output)")
            let journal = try String(contentsOfFile: config.consoleDirectory + "/cli.jsonl", encoding: .utf8)
            let lines = journal.split(separator: "\n").filter { $0.contains("Reminder: appointment at Facility One") }
            #expect(lines.count == 1 && lines[0].contains("+250788123777"), "\(journal)")
        }
    }
}
