@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 15: `/console/audit`, the audit viewer (the API's filters and pages, days in the
/// tenant's time zone) and the chain's verification status.
@Suite("Console audit")
struct ConsoleAuditTests {
    /// UTC+14 all year: an event's day there is often not its UTC day, so a page that ignored the
    /// tenant's zone would show the wrong times and cut days in the wrong place.
    static let yaml = """
        slug: console-audit
        name: Audit Group
        timezone: Pacific/Kiritimati
        """
    static let zone = TimeZone(identifier: "Pacific/Kiritimati")!

    static func seqs(in html: String) -> [Int] {
        let marker = #"<tr id="audit-event-"#
        return html.components(separatedBy: marker).dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }

    static func day(_ date: Date, offset: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let shifted = calendar.date(byAdding: .day, value: offset, to: date)!
        let c = calendar.dateComponents([.year, .month, .day], from: shifted)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func append(_ app: Application, _ t: TestTenant, _ action: AuditAction, _ outcome: AuditOutcome,
                       facility: UUID? = nil, target: String? = nil) async throws -> AuditEvent {
        try await app.services.audit.append(
            AuditRecord(tenantID: t.id, facilityID: facility, actor: .anonymous, action: action, outcome: outcome,
                        targetType: "user", targetID: target ?? UUID().uuidString.lowercased(), details: ["reason": "seeded"]),
            origin: .none, on: app.db)
    }

    @Test("filtered by auth.login and failure the page shows exactly the seeded failures; days cut in the tenant's zone",
          arguments: TestBackend.enabled)
    func filters(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: ["console-audit.yaml": Self.yaml]) { app in
            let t = try await Fixtures.tenant(app, slug: "console-audit")
            let other = try await Fixtures.tenant(app, slug: "console-audit-other")
            var failures: [AuditEvent] = []
            for _ in 0..<3 { failures.append(try await Self.append(app, t, .authLogin, .failure)) }
            // Near misses: another outcome, another action, another tenant.
            _ = try await Self.append(app, t, .authLogin, .denied)
            _ = try await Self.append(app, t, .authLogout, .failure)
            _ = try await Self.append(app, other, .authLogin, .failure)
            let chain = AuditLog.chainKey(for: t.id)
            let expected = try await AuditEvent.query(on: app.db).filter(\.$chain == chain)
                .filter(\.$action == "auth.login").filter(\.$outcome == "failure").all().map(\.seq).sorted(by: >)
            #expect(expected == failures.map(\.seq).sorted(by: >))

            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let page = try await browser.get("/console/audit?action=auth.login&outcome=failure")
            #expect(page.status == .ok)
            #expect(Self.seqs(in: page.text) == expected)
            #expect(page.text.contains(#"<option value="auth.login" selected>"#))
            #expect(page.text.contains(#"<option value="failure" selected>"#))
            // The time of an event, in Kiritimati, written plainly.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = Self.zone
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            #expect(page.text.contains(formatter.string(from: failures[0].occurredAt)))
            #expect(page.text.contains("Pacific/Kiritimati"))

            // Whole days in the tenant's zone, `to` included.
            let filter = "/console/audit?action=auth.login&outcome=failure"
            let sameDay = failures.filter { Self.day($0.occurredAt) == Self.day(failures[0].occurredAt) }.map(\.seq).sorted(by: >)
            let day = Self.day(failures[0].occurredAt)
            let within = try await browser.get(filter + "&from=\(day)&to=\(day)")
            #expect(Self.seqs(in: within.text) == sameDay)
            #expect(!sameDay.isEmpty)
            let next = try await browser.get(filter + "&from=\(Self.day(failures[0].occurredAt, offset: 1))")
            #expect(Self.seqs(in: next.text).allSatisfy { !sameDay.contains($0) })
            let before = try await browser.get(filter + "&to=\(Self.day(failures[0].occurredAt, offset: -1))")
            #expect(Self.seqs(in: before.text).allSatisfy { !sameDay.contains($0) })

            // A malformed filter is named; what was typed stays; nothing is listed.
            let bad = try await browser.get("/console/audit?actor_id=nobody&from=2026-02-31")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Actor must be an account id") && bad.text.contains("From must be a date"))
            #expect(bad.text.contains(#"value="nobody""#))
            #expect(Self.seqs(in: bad.text).isEmpty)
        }
    }

    @Test("results come a page at a time with a link to the next (the API's cursor)", arguments: TestBackend.enabled)
    func pages(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-audit-pages")
            var seeded: [Int] = []
            for i in 0..<53 { seeded.append(try await Self.append(app, t, .smsOptIn, .success, target: "t\(i)").seq) }
            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let first = try await browser.get("/console/audit?action=sms.opt_in")
            let firstSeqs = Self.seqs(in: first.text)
            #expect(firstSeqs == Array(seeded.sorted(by: >).prefix(50)))
            let marker = #"id="audit-next" href=""#
            let link = try #require(first.text.components(separatedBy: marker).dropFirst().first?.prefix { $0 != "\"" })
            let href = String(link).replacingOccurrences(of: "&amp;", with: "&")
            #expect(href.hasPrefix("/console/audit?action=sms.opt_in&cursor="))
            let second = try await browser.get(href)
            #expect(Self.seqs(in: second.text) == Array(seeded.sorted(by: >).suffix(3)))
            #expect(!second.text.contains(#"id="audit-next""#))
        }
    }

    @Test("the chain is shown verified, then broken at the edited event", arguments: TestBackend.enabled)
    func verification(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-audit-chain")
            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let chain = AuditLog.chainKey(for: t.id)
            let lengthBefore = try await AuditEvent.query(on: app.db).filter(\.$chain == chain).count()
            let page = try await browser.get("/console/audit")
            let lengthAfter = try await AuditEvent.query(on: app.db).filter(\.$chain == chain).count()
            #expect(page.status == .ok)
            #expect(page.text.contains("Chain verified"))
            let through = Int(ConsoleIntegrationsTests.text(ofID: "chain-verified-through", in: page.text) ?? "") ?? -1
            #expect(through >= lengthBefore && through <= lengthAfter && lengthBefore > 3)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)

            // Someone with schema rights edits event #3 (as in AuditTrailTests).
            let sql = app.db as! any SQLDatabase
            try await AuditTrailTests().dropGuards(ownerDatabase(app) as! any SQLDatabase)  // the owner: the application role has no DDL rights
            let victim = try #require(try await AuditEvent.query(on: app.db).filter(\.$chain == chain).filter(\.$seq == 3).first())
            try await sql.raw("UPDATE audit_events SET outcome = 'success', action = 'nothing.to.see' WHERE id = \(bind: victim.id!)").run()
            let broken = try await browser.get("/console/audit")
            #expect(broken.status == .ok)
            #expect(broken.text.contains("Chain broken"))
            #expect(ConsoleIntegrationsTests.text(ofID: "chain-broken-at", in: broken.text) == "3")
            #expect(ConsoleIntegrationsTests.text(ofID: "chain-verified-through", in: broken.text) == "2")
            #expect(broken.text.contains("edited"))
            // Asking explicitly gives the same answer.
            let asked = try await browser.get("/console/audit?verify=1")
            #expect(ConsoleIntegrationsTests.text(ofID: "chain-broken-at", in: asked.text) == "3")
        }
    }

    @Test("a chain longer than the page verifies by itself waits for the Verify button, which verifies it",
          arguments: TestBackend.enabled)
    func verifyOnRequest(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-audit-long")
            // Appended 100 at a time (the log commits them in groups) until the chain is longer than 1,000.
            while try await AuditEvent.query(on: app.db).filter(\.$chain == AuditLog.chainKey(for: t.id)).count() <= 1_000 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<100 { group.addTask { _ = try await Self.append(app, t, .smsOptIn, .success, target: "t\(i)") } }
                    try await group.waitForAll()
                }
            }
            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let page = try await browser.get("/console/audit?action=sms.opt_in")
            #expect(page.status == .ok)
            #expect(page.text.contains("Chain not checked") && !page.text.contains("Chain verified"))
            let marker = #"id="verify-chain" href=""#
            let link = try #require(page.text.components(separatedBy: marker).dropFirst().first?.prefix { $0 != "\"" })
            let href = String(link).replacingOccurrences(of: "&amp;", with: "&")
            #expect(href == "/console/audit?action=sms.opt_in&verify=1")
            let verified = try await browser.get(href)
            #expect(verified.text.contains("Chain verified"))
            let through = Int(ConsoleIntegrationsTests.text(ofID: "chain-verified-through", in: verified.text) ?? "") ?? 0
            #expect(through > 1_000)
            // The filter is kept: only sms.opt_in rows.
            #expect(!verified.text.contains(#"<td class="audit-action">auth.login</td>"#))
            #expect(verified.text.contains(#"<td class="audit-action">sms.opt_in</td>"#))
        }
    }

    @Test("a facility admin reads its facility's events only and no chain status; a role without audit.read gets 403",
          arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-audit-rbac")
            let mine = try await Self.append(app, t, .shiftCreate, .success, facility: t.f1.id)
            let theirs = try await Self.append(app, t, .shiftCreate, .success, facility: t.f2.id)
            let admin = ConsoleBrowser(app)
            try await admin.signIn(t[.facilityAdmin], tenant: t)
            let page = try await admin.get("/console/audit?action=shift.create")
            #expect(page.status == .ok)
            #expect(Self.seqs(in: page.text) == [mine.seq])
            #expect(!Self.seqs(in: page.text).contains(theirs.seq))
            #expect(!page.text.contains(#"id="chain-status""#))

            let doctor = t[.doctor]
            let browser = ConsoleBrowser(app)
            let home = try await browser.signIn(doctor, tenant: t)
            #expect(home.status == .ok)
            #expect(!home.text.contains(#"href="/console/audit""#))
            let denied = try await browser.get("/console/audit")
            #expect(denied.status == .forbidden)
            #expect(Self.seqs(in: denied.text).isEmpty && !denied.text.contains("audit-filter-form"))
            // Refused even with a malformed filter, and the refusal is recorded.
            #expect(try await browser.get("/console/audit?actor_id=x").status == .forbidden)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied")
                .filter(\.$actorID == doctor.id).filter(\.$targetID == "audit.read").count()
            #expect(refusals == 2)
        }
    }
}
