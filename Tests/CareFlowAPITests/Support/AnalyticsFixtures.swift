@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import VaporTesting

/// A seeded month for the analytics tests: March 2026 in Europe/Berlin, whose last Sunday
/// (the 29th) loses an hour. Every row is written through the Fluent models with the times
/// chosen here; the tests compute what each metric must answer from these lists with
/// Foundation's `Calendar` (never with the code under test).
enum AnalyticsFixtures {
    static let zone = TimeZone(identifier: "Europe/Berlin")!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    /// A wall-clock time in Berlin (2026 unless told).
    static func local(_ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, second: Int = 0, year: Int = 2026) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    /// Expected buckets, stepped with Foundation's calendar from a boundary.
    static func buckets(from start: Date, to end: Date, _ component: Calendar.Component) -> [DateInterval] {
        var result: [DateInterval] = []
        var at = start
        while at < end {
            let next = calendar.date(byAdding: component, value: 1, to: at)!
            result.append(DateInterval(start: at, end: next))
            at = next
        }
        return result
    }

    /// Makes the tenant's configured zone Berlin.
    static func useBerlin(_ app: Application, _ t: TestTenant) throws {
        var config = app.services.tenants[t.tenant.slug] ?? TenantConfiguration(slug: t.tenant.slug, name: "T", timezone: "UTC")
        config.timezone = zone.identifier
        try app.services.tenants.register(config, writeFile: false)
    }

    struct SeededAppointment {
        let facilityID: UUID
        let startsAt: Date
        let status: Appointment.Status
    }

    /// 32 appointments of each status spread over March's days and both facilities, plus edge
    /// cases: local midnight of the 1st, one second before April, just after the clock change,
    /// and two outside March.
    static func appointments(_ t: TestTenant) -> [SeededAppointment] {
        var seeded: [SeededAppointment] = []
        for (s, status) in Appointment.Status.allCases.enumerated() {
            for k in 0..<32 {
                let day = (k * 7 + s * 3) % 31 + 1
                seeded.append(SeededAppointment(facilityID: k % 3 == 0 ? t.f2.id! : t.f1.id!,
                                                startsAt: local(3, day, 7 + k % 12, s * 10 + k / 12), status: status))
            }
        }
        seeded += [
            SeededAppointment(facilityID: t.f1.id!, startsAt: local(3, 1, 0, 0), status: .booked),
            SeededAppointment(facilityID: t.f1.id!, startsAt: local(3, 31, 23, 59, second: 59), status: .completed),
            SeededAppointment(facilityID: t.f1.id!, startsAt: local(3, 29, 3, 0), status: .noShow),
            SeededAppointment(facilityID: t.f1.id!, startsAt: local(2, 28, 23, 59), status: .completed),
            SeededAppointment(facilityID: t.f1.id!, startsAt: local(4, 1, 0, 0), status: .noShow),
        ]
        return seeded
    }

    static func insert(_ seeded: [SeededAppointment], _ app: Application, _ t: TestTenant, patientID: UUID) async throws {
        let rows = seeded.map {
            Appointment(tenantID: t.id, facilityID: $0.facilityID, doctorID: t[.doctor].id, patientID: patientID, startsAt: $0.startsAt,
                        endsAt: $0.startsAt.addingTimeInterval(1_800), status: $0.status, bookedBy: nil)
        }
        try await rows.create(on: app.db)
    }

    /// A patient whose home is `facilityID`.
    static func patient(_ app: Application, _ t: TestTenant, home facilityID: UUID, name: String) async throws -> UUID {
        let view = try await app.services.patients.register(
            PatientInput(givenName: name, familyName: "Analytics", birthDate: "1970-01-01", sex: .female, homeFacilityID: facilityID),
            in: RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: .system(tenantID: t.id), origin: .none))
        return view.patient.id!
    }

    static func ward(_ app: Application, _ t: TestTenant, facility: UUID, name: String, beds: Int) async throws -> UUID {
        let ward = Ward()
        ward.tenantID = t.id
        ward.facilityID = facility
        ward.name = name
        ward.beds = beds
        try await ward.create(on: app.db)
        return ward.id!
    }

    struct SeededStay {
        let facilityID: UUID
        let admittedAt: Date
        let dischargedAt: Date?
    }

    static func admit(_ app: Application, _ t: TestTenant, ward: UUID, facility: UUID, bed: Int, patient: UUID,
                      at admitted: Date, until discharged: Date?) async throws -> SeededStay {
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let admission = Admission()
        admission.tenantID = t.id
        admission.facilityID = facility
        admission.wardID = ward
        admission.patientID = patient
        admission.bed = bed
        admission.status = discharged == nil ? .current : .discharged
        admission.admittedAt = admitted
        admission.dischargedAt = discharged
        admission.reasonSealed = try cipher.seal("observation")
        try await admission.create(on: app.db)
        return SeededStay(facilityID: facility, admittedAt: admitted, dischargedAt: discharged)
    }

    struct SeededAssessment {
        let patientID: UUID
        let model: String
        let high: Bool
        let createdAt: Date
    }

    static func assess(_ app: Application, _ t: TestTenant, _ a: SeededAssessment) async throws {
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let row = RiskAssessment(id: TimeOrderedID.make(), tenantID: t.id, patientID: a.patientID, model: a.model, modelVersion: 1,
                                 riskScore: a.high ? 0.9 : 0.1, riskLevel: a.high ? .high : .low, extrapolated: false,
                                 inputsSealed: try cipher.seal([:]), contributionsSealed: try cipher.seal([:]), createdBy: t[.doctor].id)
        try await row.create(on: app.db)
        // `created_at` is stamped on create; the assessment's time is the seeded one.
        try await (app.db as! any SQLDatabase).update(RiskAssessment.schema).set("created_at", to: a.createdAt)
            .where("id", .equal, row.id!).run()
    }

    static func invoice(_ app: Application, _ t: TestTenant, facility: UUID, patient: UUID, currency: String, paid: Int,
                        at paidAt: Date?) async throws -> UUID {
        let invoice = Invoice()
        invoice.tenantID = t.id
        invoice.facilityID = facility
        invoice.patientID = patient
        invoice.status = paidAt == nil ? .open : .paid
        invoice.currency = currency
        (invoice.subtotal, invoice.tax, invoice.total) = (paid, 0, paid)
        invoice.amountPaid = paidAt == nil ? 0 : paid
        invoice.amountRefunded = 0
        invoice.paidAt = paidAt
        invoice.createdAt = (paidAt ?? Date()).addingTimeInterval(-3_600)
        try await invoice.create(on: app.db)
        return invoice.id!
    }

    static func refund(_ app: Application, _ t: TestTenant, invoice: UUID, facility: UUID, currency: String, amount: Int,
                       status: String, at refundedAt: Date) async throws {
        let refund = InvoiceRefund()
        refund.tenantID = t.id
        refund.invoiceID = invoice
        refund.facilityID = facility
        refund.amount = amount
        refund.currency = currency
        refund.status = status
        refund.refundedAt = refundedAt
        try await refund.create(on: app.db)
    }
}

extension TestingHTTPResponse {
    /// The `buckets` of an analytics answer.
    var buckets: [[String: Any]] { json["buckets"] as? [[String: Any]] ?? [] }
}

/// RFC 3339 with offset, as the API writes bucket bounds.
func analyticsInstant(_ text: Any?) -> Date? {
    guard let text = text as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}
