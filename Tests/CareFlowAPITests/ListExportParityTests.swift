@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// The JSON list and the CSV export of invoices, admissions and appointments read one filter
/// type through one set of conditions: for the same filter and caller they return the same ids,
/// and those are the ids the test expects from the rows it seeded.
@Suite("List and export agree")
struct ListExportParityTests {
    static let base = Date(timeIntervalSince1970: 1_780_000_000) // 2026-05-28T20:26:40Z
    static let day: TimeInterval = 86_400
    static func iso(_ d: TimeInterval) -> String { SchedulingFixtures.iso(base.addingTimeInterval(d * day)) }

    /// The ids of the JSON list (every page of up to 200) and of the CSV export, lowercased.
    static func both(_ app: Application, list: String, export: String, query: String, token: String) async throws -> (Set<String>, Set<String>) {
        var listed: Set<String> = []
        var cursor: String?
        repeat {
            let path = "\(list)?limit=200&\(query)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let res = try await app.send(.GET, path, token: token)
            #expect(res.status == .ok, "\(path): \(res.text)")
            listed.formUnion((res.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() })
            cursor = res.json["next_cursor"] as? String
        } while cursor != nil
        let csv = try await app.send(.GET, "\(export)?\(query)", token: token)
        #expect(csv.status == .ok, "\(export)?\(query): \(csv.text)")
        return (listed, Set(ExportFixtures.table(csv.text).rows.compactMap { $0["id"] }))
    }

    static func ids(_ uuids: [UUID?]) -> Set<String> { Set(uuids.compactMap { $0?.uuidString.lowercased() }) }

    @Test("invoices: the list and invoices.csv return the same ids for the same filter", arguments: TestBackend.enabled)
    func invoices(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "parity-inv")
            let p1 = try await ExportFixtures.patient(app, t, given: "Ada", family: "One", facility: t.f1)
            let p2 = try await ExportFixtures.patient(app, t, given: "Ben", family: "Two", facility: t.f2)
            let line = [ExportFixtures.LineSpec(description: "Consultation", quantity: 1, unitAmount: 5_000)]
            // (patient, facility, status, days after base)
            let specs: [(UUID, Facility, Invoice.Status, Double)] = [
                (p1, t.f1, .open, 0), (p1, t.f1, .paid, 1), (p1, t.f1, .draft, 2), (p2, t.f1, .open, 3),
                (p2, t.f2, .open, 1), (p2, t.f2, .void, 4), (p1, t.f2, .paid, 5),
            ]
            var seeded: [(id: UUID, patient: UUID, facility: UUID, status: Invoice.Status, day: Double)] = []
            for (patient, facility, status, d) in specs {
                let invoice = try await ExportFixtures.invoice(app, t, patient: patient, facility: facility, status: status, lines: line,
                                                               createdAt: Self.base.addingTimeInterval(d * Self.day))
                seeded.append((invoice.id!, patient, facility.id!, status, d))
            }
            let cases: [(String, (Invoice.Status, UUID, UUID, Double) -> Bool)] = [
                ("", { _, _, _, _ in true }),
                ("status=open", { s, _, _, _ in s == .open }),
                ("patient_id=\(p2)", { _, p, _, _ in p == p2 }),
                ("facility_id=\(t.f2.id!)", { _, _, f, _ in f == t.f2.id! }),
                ("from=\(Self.iso(1))&to=\(Self.iso(4))", { _, _, _, d in d >= 1 && d < 4 }),
                ("status=paid&facility_id=\(t.f1.id!)&from=\(Self.iso(0.5))", { s, _, f, d in s == .paid && f == t.f1.id! && d >= 0.5 }),
            ]
            for (query, keep) in cases {
                let expected = Self.ids(seeded.filter { keep($0.status, $0.patient, $0.facility, $0.day) }.map(\.id))
                let (listed, exported) = try await Self.both(app, list: "/api/v1/invoices", export: "/api/v1/exports/invoices.csv",
                                                             query: query, token: t[.groupAdmin].token)
                #expect(listed == expected, "list ?\(query)")
                #expect(exported == expected, "export ?\(query)")
            }
            // A facility-scoped caller: billing at f1 sees f1's invoices in both.
            let (listed, exported) = try await Self.both(app, list: "/api/v1/invoices", export: "/api/v1/exports/invoices.csv",
                                                         query: "status=open", token: t[.billing].token)
            let expected = Self.ids(seeded.filter { $0.facility == t.f1.id! && $0.status == .open }.map(\.id))
            #expect(listed == expected && exported == expected, "billing at f1")
        }
    }

    @Test("admissions: the list and admissions.csv return the same ids for the same filter", arguments: TestBackend.enabled)
    func admissions(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "parity-adm")
            let w1 = try await ExportFixtures.ward(app, t, facility: t.f1)
            let w2 = try await ExportFixtures.ward(app, t, facility: t.f2)
            // (ward, admitted day, discharged day or nil): one patient each.
            let specs: [(Ward, Double, Double?)] = [
                (w1, 0, 2), (w1, 1, nil), (w1, 3, 4), (w1, 5, nil), (w2, 1, 3), (w2, 2, nil), (w2, 6, nil),
            ]
            var seeded: [(id: UUID, patient: UUID, facility: UUID, current: Bool, day: Double)] = []
            for (i, (ward, admitted, discharged)) in specs.enumerated() {
                let patient = try await ExportFixtures.patient(app, t, given: "P\(i)", family: "Ward", facility: t.f1)
                let admission = try await ExportFixtures.admission(
                    app, t, patient: patient, ward: ward, bed: i + 1, admittedAt: Self.base.addingTimeInterval(admitted * Self.day),
                    dischargedAt: discharged.map { Self.base.addingTimeInterval($0 * Self.day) })
                seeded.append((admission.id!, patient, ward.facilityID, discharged == nil, admitted))
            }
            let someone = seeded[2].patient
            let cases: [(String, (Bool, UUID, UUID, Double) -> Bool)] = [
                ("", { _, _, _, _ in true }),
                ("status=current", { c, _, _, _ in c }),
                ("status=discharged&facility_id=\(t.f1.id!)", { c, _, f, _ in !c && f == t.f1.id! }),
                ("patient_id=\(someone)", { _, p, _, _ in p == someone }),
                ("from=\(Self.iso(1))&to=\(Self.iso(5))", { _, _, _, d in d >= 1 && d < 5 }),
                ("facility_id=\(t.f2.id!)&from=\(Self.iso(2))", { _, _, f, d in f == t.f2.id! && d >= 2 }),
            ]
            for (query, keep) in cases {
                let expected = Self.ids(seeded.filter { keep($0.current, $0.patient, $0.facility, $0.day) }.map(\.id))
                let (listed, exported) = try await Self.both(app, list: "/api/v1/admissions", export: "/api/v1/exports/admissions.csv",
                                                             query: query, token: t[.groupAdmin].token)
                #expect(listed == expected, "list ?\(query)")
                #expect(exported == expected, "export ?\(query)")
            }
            // A facility-scoped caller: f1's facility admin.
            let (listed, exported) = try await Self.both(app, list: "/api/v1/admissions", export: "/api/v1/exports/admissions.csv",
                                                         query: "status=current", token: t[.facilityAdmin].token)
            let expected = Self.ids(seeded.filter { $0.facility == t.f1.id! && $0.current }.map(\.id))
            #expect(listed == expected && exported == expected, "facility admin at f1")
        }
    }

    @Test("appointments: the list and appointments.csv return the same ids for the same filter", arguments: TestBackend.enabled)
    func appointments(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "parity-appt")
            let other = try await Fixtures.user(app, tenant: t.tenant, email: "doc2@parity-appt.test", role: .doctor, facility: t.f1.id)
            let p1 = try await Fixtures.patient(app, t, given: "Ada")
            let p2 = try await ExportFixtures.patient(app, t, given: "Ben", family: "Two", facility: t.f2)
            // (patient, doctor, facility, status, days after base)
            let specs: [(UUID, UUID, UUID, Appointment.Status, Double)] = [
                (p1, t[.doctor].id, t.f1.id!, .booked, 0), (p1, t[.doctor].id, t.f1.id!, .cancelled, 1),
                (p2, other.id, t.f1.id!, .completed, 2), (p2, t[.doctor].id, t.f2.id!, .booked, 3),
                (p1, other.id, t.f2.id!, .booked, 4), (p2, other.id, t.f1.id!, .booked, 5),
            ]
            var seeded: [(id: UUID, patient: UUID, doctor: UUID, facility: UUID, status: Appointment.Status, day: Double)] = []
            for (patient, doctor, facility, status, d) in specs {
                let a = try await SchedulingFixtures.appointment(app, t, patient: patient, doctor: doctor, facility: facility, status: status,
                                                                 startsAt: Self.base.addingTimeInterval(d * Self.day))
                seeded.append((a.id!, patient, doctor, facility, status, d))
            }
            let cases: [(String, (Appointment.Status, UUID, UUID, UUID, Double) -> Bool)] = [
                ("", { _, _, _, _, _ in true }),
                ("status=booked", { s, _, _, _, _ in s == .booked }),
                ("doctor_id=\(other.id)", { _, _, d, _, _ in d == other.id }),
                ("patient_id=\(p2)&facility_id=\(t.f1.id!)", { _, p, _, f, _ in p == p2 && f == t.f1.id! }),
                ("from=\(Self.iso(1))&to=\(Self.iso(4))", { _, _, _, _, d in d >= 1 && d < 4 }),
                ("status=booked&facility_id=\(t.f2.id!)&to=\(Self.iso(4))", { s, _, _, f, d in s == .booked && f == t.f2.id! && d < 4 }),
            ]
            for (query, keep) in cases {
                let expected = Self.ids(seeded.filter { keep($0.status, $0.patient, $0.doctor, $0.facility, $0.day) }.map(\.id))
                let (listed, exported) = try await Self.both(app, list: "/api/v1/appointments", export: "/api/v1/exports/appointments.csv",
                                                             query: query, token: t[.groupAdmin].token)
                #expect(listed == expected, "list ?\(query)")
                #expect(exported == expected, "export ?\(query)")
            }
            let (listed, exported) = try await Self.both(app, list: "/api/v1/appointments", export: "/api/v1/exports/appointments.csv",
                                                         query: "status=booked", token: t[.facilityAdmin].token)
            let expected = Self.ids(seeded.filter { $0.facility == t.f1.id! && $0.status == .booked }.map(\.id))
            #expect(listed == expected && exported == expected, "facility admin at f1")
            // The list refuses an inverted range by name, as the other lists do.
            let inverted = try await app.send(.GET, "/api/v1/appointments?from=\(Self.iso(4))&to=\(Self.iso(1))", token: t[.groupAdmin].token)
            #expect(inverted.status == .unprocessableEntity && inverted.isProblem, "\(inverted.text)")
        }
    }
}
