@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// `DirectOutput` lists a model's properties by hand so rows decode without reflection; these
/// tests keep each list equal to what Fluent itself decodes.
@Suite("Models decoded without reflection match Fluent's decoding")
struct DirectOutputTests {
    @Test("Patient: every database property listed, every value equal", arguments: TestBackend.enabled)
    func patient(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "direct")
            let id = try await Fixtures.patient(app, t, nationalID: "1198880012345678", phone: "+250788123456")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let viaFluent = try await scope.query(Patient.self).filter(\.$id == id).all()
            let direct = try await scope.query(Patient.self).filter(\.$id == id).allDirect()
            #expect(direct.count == 1 && viaFluent.count == 1)
            try Self.expectSameAsFluent(direct[0], viaFluent[0])
            #expect(direct[0].id == id && direct[0].userID == t[.patient].id)
            // The written-out SELECT (`selectDirect`, behind `TenantScope.find`) reads the same
            // row, only inside its tenant, as a row Fluent can update.
            let selected = try #require(try await scope.find(Patient.self, id))
            try Self.expectSameAsFluent(selected, viaFluent[0])
            let other = try await Fixtures.tenant(app, slug: "direct-other")
            #expect(try await TenantScope(tenantID: other.id, db: app.db).find(Patient.self, id) == nil)
            selected.birthYear = 1970
            try await scope.update(selected)
            #expect(try await scope.query(Patient.self).filter(\.$id == id).count() == 1)
            #expect(try await scope.query(Patient.self).filter(\.$id == id).first()?.birthYear == 1970)
        }
    }

    @Test("User: every database property listed, every value equal", arguments: TestBackend.enabled)
    func user(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "direct-user")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let nurse = try #require(try await scope.query(User.self).filter(\.$id == t[.nurse].id).first())
            nurse.locale = "fr-RW"
            nurse.notificationChannels = "sms,email"
            try await scope.update(nurse)
            let viaFluent = try #require(try await scope.query(User.self).filter(\.$id == t[.nurse].id).first())
            let direct = try #require(try await scope.find(User.self, t[.nurse].id))
            try Self.expectSameAsFluent(direct, viaFluent)
        }
    }

    @Test("Facility: every database property listed, every value equal; another tenant's is not found", arguments: TestBackend.enabled)
    func facility(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "direct-facility")
            let other = try await Fixtures.tenant(app, slug: "direct-facility-other")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let facility = try #require(try await scope.query(Facility.self).filter(\.$id == t.f1.id!).first())
            facility.address = "KN 3 Rd, Kigali"
            try await scope.update(facility)
            let viaFluent = try #require(try await scope.query(Facility.self).filter(\.$id == t.f1.id!).first())
            let direct = try #require(try await scope.find(Facility.self, t.f1.id!))
            try Self.expectSameAsFluent(direct, viaFluent)
            #expect(direct.address == "KN 3 Rd, Kigali")
            #expect(try await TenantScope(tenantID: other.id, db: app.db).find(Facility.self, t.f1.id!) == nil)
        }
    }

    @Test("Invoice: every database property listed, every value equal", arguments: TestBackend.enabled)
    func invoice(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "direct-invoice")
            let patient = try await AnalyticsFixtures.patient(app, t, home: t.f1.id!, name: "Invoice")
            let invoice = Invoice()
            (invoice.id, invoice.tenantID, invoice.facilityID, invoice.patientID) = (UUID(), t.id, t.f1.id!, patient)
            (invoice.status, invoice.currency, invoice.subtotal, invoice.tax, invoice.total) = (.paid, "rwf", 1_000, 180, 1_180)
            (invoice.amountPaid, invoice.amountRefunded, invoice.paidAt, invoice.createdAt) = (1_180, 0, Date(timeIntervalSince1970: 1_780_000_000.5), Date())
            (invoice.number, invoice.paymentProvider, invoice.providerPaymentID, invoice.lastEventCreated) = ("INV-1", "stripe", "pi_direct", 1_780_000_000)
            try await invoice.create(on: app.db)
            let viaFluent = try #require(try await Invoice.query(on: app.db).filter(\.$id == invoice.id!).first())
            let direct = try #require(try await app.db.selectDirect(Invoice.self, "WHERE \"id\" = \(bind: invoice.id!)").first)
            try Self.expectSameAsFluent(direct, viaFluent)
            #expect(direct.providerPaymentID == "pi_direct" && direct.status == .paid)
        }
    }

    /// The model's hand-written list names every database property of the model, once, and the
    /// row read through it holds the same values as Fluent's reading of it.
    static func expectSameAsFluent<M: DirectOutput & Encodable>(_ direct: M, _ viaFluent: M) throws {
        let listed = Set(M().directProperties.flatMap { $0.keys.map(\.description) })
        let declared = Set(M().properties.compactMap { $0 as? any AnyDatabaseProperty }.flatMap { $0.keys.map(\.description) })
        #expect(listed == declared, "\(M.self)")
        #expect(M().directProperties.count == M().properties.count, "\(M.self)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(direct) == encoder.encode(viaFluent), "\(M.self)")
    }
}
