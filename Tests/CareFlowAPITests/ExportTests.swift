@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// CSV exports (issue 14 "Exports"): each dataset's header and rows against the seeded data,
/// the lists' filters, the reach of facility-scoped callers, PHI and clinical columns, formula
/// injection end to end, and the audit events with their row counts.
@Suite("CSV exports")
struct ExportTests {
    static let appointmentHeader = ["id", "facility_id", "doctor_id", "patient_id", "patient_name", "starts_at", "ends_at", "status",
                                    "booked_at"]

    @Test("appointments.csv: header, one row per appointment, the reason never; filters; audit with row count",
          arguments: TestBackend.enabled)
    func appointments(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-appt")
            let aline = try await Fixtures.patient(app, t)
            let base = Date(timeIntervalSince1970: 1_780_000_000) // 2026-05-28T20:26:40Z
            let a1 = try await SchedulingFixtures.appointment(app, t, patient: aline, status: .booked, startsAt: base)
            let a2 = try await SchedulingFixtures.appointment(app, t, patient: aline, status: .cancelled, startsAt: base.addingTimeInterval(86_400))
            let a3 = try await SchedulingFixtures.appointment(app, t, patient: aline, status: .completed, startsAt: base.addingTimeInterval(2 * 86_400))
            let a4 = try await SchedulingFixtures.appointment(app, t, patient: aline, facility: t.f2.id, status: .booked,
                                                              startsAt: base.addingTimeInterval(3 * 86_400))

            let res = try await app.send(.GET, "/api/v1/exports/appointments.csv", token: t[.groupAdmin].token)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.headers.contentType?.type == "text" && res.headers.contentType?.subType == "csv")
            #expect(res.headers.first(name: .contentDisposition)?.contains("appointments.csv") == true)
            let (header, rows) = ExportFixtures.table(res.text)
            #expect(header == Self.appointmentHeader)
            #expect(rows.count == 4)
            #expect(!res.text.contains("Chest pain"), "the reason is never exported")
            let first = try #require(rows.first { $0["id"] == a1.id!.uuidString.lowercased() })
            #expect(first["facility_id"] == t.f1.id!.uuidString.lowercased())
            #expect(first["doctor_id"] == t[.doctor].id.uuidString.lowercased())
            #expect(first["patient_id"] == aline.uuidString.lowercased())
            #expect(first["patient_name"] == "Aline Uwase")
            #expect(first["starts_at"] == "2026-05-28T20:26:40Z")
            #expect(first["ends_at"] == "2026-05-28T20:56:40Z")
            #expect(first["status"] == "booked")
            #expect(Set(rows.compactMap { $0["id"] }) == Set([a1, a2, a3, a4].map { $0.id!.uuidString.lowercased() }))

            // Audited: started before the stream, completed with the row count.
            let completed = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(completed.details["dataset"] == "appointments")
            #expect(completed.details["row_count"] == "4")
            #expect(completed.event.outcome == "success")
            #expect(completed.event.actorID == t[.groupAdmin].id)
            #expect(try await ExportFixtures.lastAudit(app, .exportStarted)?.details["dataset"] == "appointments")

            // Filters, as the list's: status, facility, time range on starts_at (from inclusive, to exclusive).
            func ids(_ query: String) async throws -> Set<String> {
                let r = try await app.send(.GET, "/api/v1/exports/appointments.csv?\(query)", token: t[.groupAdmin].token)
                #expect(r.status == .ok, "\(query): \(r.status) \(r.text)")
                return Set(ExportFixtures.table(r.text).rows.compactMap { $0["id"] })
            }
            #expect(try await ids("status=cancelled") == [a2.id!.uuidString.lowercased()])
            #expect(try await ids("facility_id=\(t.f2.id!)") == [a4.id!.uuidString.lowercased()])
            #expect(try await ids("from=2026-05-29T20:26:40Z&to=2026-05-31T20:26:40Z")
                    == [a2.id!.uuidString.lowercased(), a3.id!.uuidString.lowercased()])
            #expect(try await ids("doctor_id=\(UUID())").isEmpty)
            let filtered = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(filtered.details["row_count"] == "0")
            #expect(filtered.details["filter.doctor_id"] != nil)

            // A bad filter names its field.
            let bad = try await app.send(.GET, "/api/v1/exports/appointments.csv?status=lost&from=yesterday", token: t[.groupAdmin].token)
            #expect(bad.status == .unprocessableEntity && bad.isProblem)
            #expect(bad.text.contains("status") && bad.text.contains("from"))
        }
    }

    @Test("a facility admin exports only their facility's rows; another facility's id is a 403; billing may not export appointments",
          arguments: TestBackend.enabled)
    func facilityReach(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-reach")
            let aline = try await Fixtures.patient(app, t)
            let inF1 = try await SchedulingFixtures.appointment(app, t, patient: aline)
            try await SchedulingFixtures.appointment(app, t, patient: aline, facility: t.f2.id)

            let own = try await app.send(.GET, "/api/v1/exports/appointments.csv", token: t[.facilityAdmin].token)
            #expect(own.status == .ok)
            #expect(ExportFixtures.table(own.text).rows.compactMap { $0["id"] } == [inF1.id!.uuidString.lowercased()])

            let denialsBefore = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
            let other = try await app.send(.GET, "/api/v1/exports/appointments.csv?facility_id=\(t.f2.id!)", token: t[.facilityAdmin].token)
            #expect(other.status == .forbidden && other.isProblem)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == denialsBefore + 1)

            // Billing runs exports but does not read appointments.
            let billing = try await app.send(.GET, "/api/v1/exports/appointments.csv", token: t[.billing].token)
            #expect(billing.status == .forbidden && billing.isProblem)
            // Roles without export.run: 403.
            for role in [Role.doctor, .nurse, .receptionist, .patient] {
                let r = try await app.send(.GET, "/api/v1/exports/patients.csv", token: t[role].token)
                #expect(r.status == .forbidden, "\(role)")
            }
        }
    }

    @Test("patients.csv: demographics, never clinical content; a formula in a name is escaped; facility reach",
          arguments: TestBackend.enabled)
    func patients(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-pat")
            let aline = try await Fixtures.patient(app, t, phone: "+250788000111")
            let attacker = try await ExportFixtures.patient(app, t, given: "=HYPERLINK(\"http://evil.test\",\"x\")", family: "-2+3",
                                                            facility: t.f1)
            let atF2 = try await ExportFixtures.patient(app, t, given: "Jean", family: "Habimana", facility: t.f2)

            let res = try await app.send(.GET, "/api/v1/exports/patients.csv", token: t[.groupAdmin].token)
            #expect(res.status == .ok, "\(res.text)")
            let (header, rows) = ExportFixtures.table(res.text)
            #expect(header == ["id", "mrn", "given_name", "family_name", "birth_date", "birth_year", "sex", "phone", "email",
                               "home_facility_id", "registered_at"])
            #expect(rows.count == 3)
            // Clinical content (conditions, allergies, blood type) is not in any column.
            for secret in ["I10", "E11", "penicillin", "latex", "O+", "A-", "hypertension", "diabetes"] {
                #expect(!res.text.contains(secret), "\(secret)")
            }
            let row = try #require(rows.first { $0["id"] == aline.uuidString.lowercased() })
            #expect(row["given_name"] == "Aline" && row["family_name"] == "Uwase")
            #expect(row["birth_date"] == "1988-04-12" && row["birth_year"] == "1988" && row["sex"] == "female")
            // An E.164 number starts with "+": escaped like any formula start (a spreadsheet then keeps it as text).
            #expect(row["phone"] == "'+250788000111")
            #expect(row["home_facility_id"] == t.f1.id!.uuidString.lowercased())
            #expect(row["mrn"]?.isEmpty == false)

            // Formula injection: the cell starts with an apostrophe, end to end, also inside quotes.
            let evil = try #require(rows.first { $0["id"] == attacker.uuidString.lowercased() })
            #expect(evil["given_name"] == "'=HYPERLINK(\"http://evil.test\",\"x\")")
            #expect(evil["family_name"] == "'-2+3")
            #expect(res.text.contains("\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\""))
            #expect(!res.text.contains(",=HYPERLINK") && !res.text.contains("\"=HYPERLINK"))

            // The list's filters: name words, facility.
            let byName = try await app.send(.GET, "/api/v1/exports/patients.csv?name=habimana", token: t[.groupAdmin].token)
            #expect(ExportFixtures.table(byName.text).rows.compactMap { $0["id"] } == [atF2.uuidString.lowercased()])
            let named = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(named.details["row_count"] == "1")
            #expect(named.details["filter.phi_filters"] == "name")
            #expect(!named.event.details.lowercased().contains("habimana"), "the searched name is PHI: not in the trail")

            // The admin of f2 exports f2's patients only.
            let f2 = try await app.send(.GET, "/api/v1/exports/patients.csv", token: t.f2Admin.token)
            #expect(f2.status == .ok)
            #expect(ExportFixtures.table(f2.text).rows.compactMap { $0["id"] } == [atF2.uuidString.lowercased()])
            // A condition filter needs patient.read_clinical, which no exporting role has.
            let clinical = try await app.send(.GET, "/api/v1/exports/patients.csv?condition=I10", token: t[.groupAdmin].token)
            #expect(clinical.status == .forbidden)
        }
    }

    @Test("invoices.csv: amounts in minor units with the currency, billing sees its facility's invoices; filters",
          arguments: TestBackend.enabled)
    func invoices(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-inv")
            let aline = try await Fixtures.patient(app, t)
            let jan = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z
            let paid = try await ExportFixtures.invoice(app, t, patient: aline, status: .paid, currency: "usd", number: "INV-EXP-INV-F1-2026-0001",
                                                        lines: [.init(description: "Consultation", quantity: 1, unitAmount: 10_000, taxRateBps: 1_800),
                                                                .init(description: "Lab, \"CBC\"", quantity: 2, unitAmount: 2_550)],
                                                        createdAt: jan)
            let open = try await ExportFixtures.invoice(app, t, patient: aline, status: .open, currency: "rwf",
                                                        lines: [.init(description: "Bed day", quantity: 3, unitAmount: 15_000)],
                                                        createdAt: jan.addingTimeInterval(40 * 86_400))
            let atF2 = try await ExportFixtures.invoice(app, t, patient: aline, facility: t.f2, status: .open,
                                                        lines: [.init(description: "X-ray", quantity: 1, unitAmount: 8_000)], createdAt: jan)

            let res = try await app.send(.GET, "/api/v1/exports/invoices.csv", token: t[.billing].token)
            #expect(res.status == .ok, "\(res.text)")
            let (header, rows) = ExportFixtures.table(res.text)
            #expect(header == ["id", "number", "facility_id", "patient_id", "patient_name", "status", "currency", "subtotal_minor",
                               "tax_minor", "total_minor", "paid_minor", "refunded_minor", "created_at", "issued_at", "paid_at"])
            #expect(Set(rows.compactMap { $0["id"] }) == [paid.id!.uuidString.lowercased(), open.id!.uuidString.lowercased()],
                    "billing of f1 never sees f2's invoice \(atF2.id!)")
            let p = try #require(rows.first { $0["id"] == paid.id!.uuidString.lowercased() })
            // 1 × 100.00 + 18% tax = 18.00; 2 × 25.50 = 51.00 without tax: 151.00 + 18.00 = 169.00.
            #expect(p["subtotal_minor"] == "15100" && p["tax_minor"] == "1800" && p["total_minor"] == "16900")
            #expect(p["paid_minor"] == "16900" && p["refunded_minor"] == "0")
            #expect(p["currency"] == "USD" && p["status"] == "paid" && p["number"] == "INV-EXP-INV-F1-2026-0001")
            #expect(p["patient_name"] == "Aline Uwase")
            #expect(p["created_at"] == "2026-01-01T00:00:00Z" && p["paid_at"] == "2026-01-01T01:00:00Z")
            #expect(!res.text.contains("Consultation"), "line descriptions are not exported")
            let o = try #require(rows.first { $0["id"] == open.id!.uuidString.lowercased() })
            #expect(o["currency"] == "RWF" && o["total_minor"] == "45000" && o["paid_at"] == "")

            func ids(_ query: String, token: String? = nil) async throws -> Set<String> {
                let r = try await app.send(.GET, "/api/v1/exports/invoices.csv?\(query)", token: token ?? t[.groupAdmin].token)
                #expect(r.status == .ok, "\(query): \(r.status) \(r.text)")
                return Set(ExportFixtures.table(r.text).rows.compactMap { $0["id"] })
            }
            #expect(try await ids("status=open") == [open.id!.uuidString.lowercased(), atF2.id!.uuidString.lowercased()])
            #expect(try await ids("facility_id=\(t.f2.id!)") == [atF2.id!.uuidString.lowercased()])
            #expect(try await ids("from=2026-01-15T00:00:00Z") == [open.id!.uuidString.lowercased()])
            #expect(try await ids("patient_id=\(aline)&to=2026-01-02T00:00:00Z")
                    == [paid.id!.uuidString.lowercased(), atF2.id!.uuidString.lowercased()])
            let denied = try await app.send(.GET, "/api/v1/exports/invoices.csv?facility_id=\(t.f2.id!)", token: t[.billing].token)
            #expect(denied.status == .forbidden)
        }
    }

    @Test("admissions.csv: reason and summary never; status and time filters; the ward's facility decides the reach",
          arguments: TestBackend.enabled)
    func admissions(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-adm")
            let aline = try await Fixtures.patient(app, t)
            let jean = try await ExportFixtures.patient(app, t, given: "Jean", family: "Habimana", facility: t.f2)
            let wardF1 = try await ExportFixtures.ward(app, t, facility: t.f1)
            let wardF2 = try await ExportFixtures.ward(app, t, facility: t.f2, name: "Ward B")
            let day = Date(timeIntervalSince1970: 1_772_323_200) // 2026-03-01T00:00:00Z
            let discharged = try await ExportFixtures.admission(app, t, patient: aline, ward: wardF1, bed: 3, admittedAt: day,
                                                                dischargedAt: day.addingTimeInterval(3 * 86_400))
            let current = try await ExportFixtures.admission(app, t, patient: aline, ward: wardF1, bed: 4, admittedAt: day.addingTimeInterval(10 * 86_400))
            let other = try await ExportFixtures.admission(app, t, patient: jean, ward: wardF2, bed: 1, admittedAt: day)

            let res = try await app.send(.GET, "/api/v1/exports/admissions.csv", token: t[.groupAdmin].token)
            #expect(res.status == .ok, "\(res.text)")
            let (header, rows) = ExportFixtures.table(res.text)
            #expect(header == ["id", "facility_id", "ward_id", "bed", "patient_id", "patient_name", "status", "admitted_at",
                               "discharged_at", "disposition"])
            #expect(rows.count == 3)
            #expect(!res.text.contains("malaria") && !res.text.contains("summary"), "reason and summary are sealed and never exported")
            let d = try #require(rows.first { $0["id"] == discharged.id!.uuidString.lowercased() })
            #expect(d["bed"] == "3" && d["status"] == "discharged" && d["admitted_at"] == "2026-03-01T00:00:00Z")
            #expect(d["discharged_at"] == "2026-03-04T00:00:00Z" && d["disposition"] == "home")
            #expect(d["ward_id"] == wardF1.id!.uuidString.lowercased() && d["patient_name"] == "Aline Uwase")

            func ids(_ query: String, token: String) async throws -> Set<String> {
                let r = try await app.send(.GET, "/api/v1/exports/admissions.csv?\(query)", token: token)
                #expect(r.status == .ok, "\(query): \(r.status) \(r.text)")
                return Set(ExportFixtures.table(r.text).rows.compactMap { $0["id"] })
            }
            #expect(try await ids("status=current", token: t[.groupAdmin].token)
                    == [current.id!.uuidString.lowercased(), other.id!.uuidString.lowercased()])
            #expect(try await ids("from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z", token: t[.groupAdmin].token)
                    == [discharged.id!.uuidString.lowercased(), other.id!.uuidString.lowercased()])
            #expect(try await ids("", token: t.f2Admin.token) == [other.id!.uuidString.lowercased()])
            #expect(try await ids("", token: t[.billing].token)
                    == [discharged.id!.uuidString.lowercased(), current.id!.uuidString.lowercased()])
        }
    }

    @Test("patient names only for callers who may read every patient (pure decision)")
    func patientNameColumn() {
        let tenant = UUID()
        func principal(_ grants: [RoleGrant]) -> Principal {
            Principal(subjectID: UUID(), kind: .user, tenantID: tenant, sessionID: UUID(), grants: grants, amr: ["pwd"])
        }
        let facility = UUID()
        #expect(PatientNames.mayRead(principal([RoleGrant(role: .groupAdmin)]), tenantID: tenant))
        #expect(PatientNames.mayRead(principal([RoleGrant(role: .billing, facilityID: facility)]), tenantID: tenant))
        // Facility- or care-team-wide patient.read is not enough for a column over many rows.
        #expect(!PatientNames.mayRead(principal([RoleGrant(role: .nurse, facilityID: facility)]), tenantID: tenant))
        #expect(!PatientNames.mayRead(principal([RoleGrant(role: .doctor, facilityID: facility)]), tenantID: tenant))
        #expect(!PatientNames.mayRead(principal([]), tenantID: tenant))
    }

    @Test("a stream cut short is recorded: export.completed with outcome failure and the rows written so far",
          arguments: TestBackend.enabled)
    func cutOff(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-cut")
            let aline = try await Fixtures.patient(app, t)
            for _ in 0..<5 { try await SchedulingFixtures.appointment(app, t, patient: aline) }
            let services: AppServices = app.services
            // Pages of two rows: the header, then 2 + 2 + 1.
            let exports = ExportService(patients: services.patients, analytics: services.analytics, guardian: services.guardian,
                                        keyring: services.keyring,
                                        audit: services.audit, batchSize: 2)
            let context = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: .system(tenantID: t.id), origin: .none)
            let export = try await exports.appointments(AppointmentFilters(), in: context)
            struct ClientGone: Error {}
            var writes = 0
            await #expect(throws: ClientGone.self) {
                try await export.stream { _ in
                    writes += 1
                    if writes == 3 { throw ClientGone() }  // the second page never reaches the client
                }
            }
            let completed = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(completed.event.outcome == "failure")
            #expect(completed.details["row_count"] == "2" && completed.details["cut_off"] == "true")
            #expect(completed.details["dataset"] == "appointments")
        }
    }

    @Test("a 20,000-row export streams: many chunks, the first written before the last page is read",
          arguments: TestBackend.enabled)
    func streams(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-stream")
            let aline = try await Fixtures.patient(app, t)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let start = Date(timeIntervalSince1970: 1_780_000_000)
            let total = 20_000
            // Ids counted up from 0, so that the row added mid-stream (all f's) sorts last.
            for batch in stride(from: 0, to: total, by: 1_000) {
                let rows = (batch..<min(batch + 1_000, total)).map { i in
                    let a = Appointment(tenantID: t.id, facilityID: t.f1.id!, doctorID: t[.doctor].id, patientID: aline,
                                        startsAt: start.addingTimeInterval(Double(i) * 60), endsAt: start.addingTimeInterval(Double(i) * 60 + 30),
                                        status: .completed, bookedBy: nil)
                    a.id = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", i))
                    return a
                }
                try await rows.create(on: scope.db)
            }
            let context = RequestContext(scope: scope, principal: .system(tenantID: t.id), origin: .none)
            let export = try await app.services.exports.appointments(AppointmentFilters(), in: context)
            var chunks = 0
            var rowsSeen = 0
            var largestChunk = 0
            let written = try await export.stream { chunk in
                chunks += 1
                let lines = chunk.components(separatedBy: "\r\n").count - 1
                rowsSeen += lines
                largestChunk = max(largestChunk, chunk.utf8.count)
                if chunks == 2 {
                    // After the first page went out: a row added now is read by a later page only if
                    // the export had not read the whole table before writing.
                    let late = Appointment(tenantID: t.id, facilityID: t.f1.id!, doctorID: t[.doctor].id, patientID: aline,
                                           startsAt: start.addingTimeInterval(-3600), endsAt: start.addingTimeInterval(-1800),
                                           status: .completed, bookedBy: nil)
                    late.id = UUID(uuidString: "ffffffff-ffff-4fff-bfff-ffffffffffff")
                    try await scope.create(late)
                }
            }
            #expect(written == total + 1)
            #expect(rowsSeen == total + 2, "the header and every row")
            #expect(chunks >= total / CSVExport.defaultBatchSize, "one chunk per page: \(chunks)")
            #expect(largestChunk < 200_000, "a chunk holds one page, not the file: \(largestChunk) bytes")
        }
    }
}
