@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 11 item 6: patients loaded in bulk for benchmarks are stored as registration stores
/// them, so the API lists, finds and reads them like any other, and nothing clear reaches the
/// database.
@Suite("Bulk patient seeding", .tags(.slow), .outsideFastLayer)
struct BulkSeedTests {
    static let count = 2_500

    /// Patient `i`: distinctive plaintexts, so the raw database can be searched for them.
    static func patient(_ i: Int, homes: [UUID]) -> PatientInput {
        PatientInput(
            givenName: i % 2 == 0 ? "Claudine" : "Théoneste", familyName: "Zyxwabimana\(i)", birthDate: "19\(50 + i % 40)-03-1\(i % 10)",
            sex: i % 3 == 0 ? .male : .female, phone: String(format: "+25078%07d", i), email: "zq.\(i)@quagga.example",
            nationalID: "NIDZQ\(i)", homeFacilityID: homes[i % homes.count],
            details: PatientDetails(address: "Quaggastrasse \(i)", allergies: i % 7 == 0 ? ["penicillin"] : []),
            conditions: i % 5 == 0 ? [ConditionInput(code: "E11.9", note: "Zorbitol note")] : [])
    }

    @Test("2,500 patients loaded in batches are listed, found by every search, read decrypted; later MRNs stay fresh; no clear PHI",
          arguments: TestBackend.enabled)
    func seeded(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "bulk")
            let homes = [t.f1.id!, t.f2.id!]
            let loader = PatientBulkLoader(keyring: app.services.keyring, audit: app.services.audit)
            var loaded: [PatientBulkLoader.Loaded] = []
            var batches = 0
            let done = try await loader.load(count: Self.count, in: TenantScope(tenantID: t.id, db: app.db), origin: .none,
                                             make: { Self.patient($0, homes: homes) }) { batch in
                loaded += batch
                batches += 1
            }
            #expect(done == Self.count)
            #expect(batches == 3)
            #expect(Set(loaded.map(\.mrn)).count == Self.count)

            // A nurse of facility one lists exactly the patients whose home it is (PRODUCT §1).
            var listed: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await app.send(.GET, "/api/v1/patients?limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                              token: t[.nurse].token)
                try #require(page.status == .ok, "\(page.text)")
                listed += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            let atF1 = loaded.filter { $0.input.homeFacilityID == t.f1.id }.map { $0.id.uuidString }
            #expect(listed.count == atF1.count)
            let sameOnes = Set(listed.map { $0.uppercased() }) == Set(atF1)
            #expect(sameOnes, "the nurse's list is not the facility's seeded patients")
            // In registration (id) order.
            let inOrder = listed.map { $0.uppercased() } == atF1.sorted()
            #expect(inOrder, "the list is not in id order")

            // Every search of PRODUCT §7 finds a seeded patient (number 1235: Théoneste, 1985, female, facility two, E11.9).
            let target = loaded[1235]
            let id = target.id.uuidString.lowercased()
            let desk = try await Fixtures.clinicalDesk(app, t, facility: t.f2.id!)
            func found(_ query: String, token: String? = nil) async throws -> [String] {
                let res = try await app.send(.GET, "/api/v1/patients?\(query)", token: token ?? t[.receptionist].token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return (res.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
            }
            #expect(try await found("mrn=\(target.mrn.lowercased())") == [id])
            #expect(try await found("name=zyxwabimana1235%20THEONESTE") == [id])
            #expect(try await found("national_id=nidzq1235") == [id])
            #expect(try await found("phone=%2B250780001235") == [id])
            #expect(try await found("email=ZQ.1235@quagga.example") == [id])
            #expect(try await found("name=Zyxwabimana1235&birth_year_from=1985&birth_year_to=1985&sex=female&facility_id=\(t.f2.id!)") == [id])
            #expect(try await found("mrn=\(target.mrn)&condition=E11.9", token: desk.token) == [id])
            #expect(try await found("mrn=\(target.mrn)", token: t[.nurse].token).isEmpty, "a facility-two patient listed to a facility-one nurse")

            // A read opens every sealed field.
            let read = try await app.send(.GET, "/api/v1/patients/\(target.id)", token: t[.doctor].token)
            #expect(read.status == .forbidden)  // no care relationship: seeding bypassed no rule
            let full = try await app.send(.GET, "/api/v1/patients/\(target.id)", token: desk.token)
            #expect(full.status == .ok, "\(full.text)")
            #expect(full.json["mrn"] as? String == target.mrn)
            #expect(full.json["given_name"] as? String == "Théoneste")
            #expect(full.json["family_name"] as? String == "Zyxwabimana1235")
            #expect(full.json["birth_date"] as? String == "1985-03-15")
            #expect(full.json["phone"] as? String == "+250780001235")
            #expect(full.json["email"] as? String == "zq.1235@quagga.example")
            #expect(full.json["national_id"] as? String == "NIDZQ1235")
            #expect(full.json["address"] as? String == "Quaggastrasse 1235")
            #expect(full.json["home_facility_id"] as? String == t.f2.id!.uuidString)
            #expect((full.json["conditions"] as? [[String: Any]])?.first?["note"] as? String == "Zorbitol note")

            // Each patient under a key of their own, as a registration: the key opens their values,
            // the tenant's alone does not (so an erasure can shred them).
            #expect(try await PatientKey.query(on: app.db).filter(\.$tenantID == t.id).count() == Self.count)
            let patientID = try #require(UUID(uuidString: id))
            let key = try #require(try await PatientKey.query(on: app.db).filter(\.$patientID == patientID).first())
            let stored = try #require(try await Patient.find(patientID, on: app.db))
            let tenantCipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            #expect((try? tenantCipher.open(stored.familyNameSealed) as String) == nil, "sealed under the tenant's key, not the patient's")
            #expect(try Keyring.patientCipher(key, tenant: tenantCipher).open(stored.familyNameSealed) as String == "Zyxwabimana1235")

            // One summary event by the system, no per-patient events.
            let events = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$action == "patient.bulk_load").all()
            #expect(events.count == 1)
            #expect(events.first?.actorKind == "system")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "patient.create").count() == 0)

            // A national id seeded is taken; a registration afterwards gets a fresh MRN.
            let duplicate = try await app.send(.POST, "/api/v1/patients", token: t[.groupAdmin].token, json: jsonBody([
                "given_name": "Ana", "family_name": "Other", "sex": "female", "national_id": "NIDZQ7"]))
            #expect(duplicate.status == .conflict, "\(duplicate.text)")
            let created = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token,
                                             json: jsonBody(["given_name": "Ana", "family_name": "Later", "sex": "female"]))
            #expect(created.status == .created, "\(created.text)")
            let fresh = try #require(created.json["mrn"] as? String)
            #expect(!Set(loaded.map(\.mrn)).contains(fresh))
            #expect(try await found("mrn=\(fresh)").count == 1)
            // A second load continues after it.
            var more: [PatientBulkLoader.Loaded] = []
            try await loader.load(count: 10, in: TenantScope(tenantID: t.id, db: app.db), origin: .none,
                                  make: { Self.patient(Self.count + $0, homes: homes) }) { more += $0 }
            #expect(Set(more.map(\.mrn)).isDisjoint(with: Set(loaded.map(\.mrn)).union([fresh])))
            #expect(Set(more.map(\.mrn)).count == 10)

            // Nothing identifying in clear in the database files.
            let dump = try await Self.rawDump(app, backend)
            #expect(dump.count > 100_000)
            for needle in ["Zyxwabimana", "zyxwabimana", "Théoneste", "NIDZQ", "quagga", "Quaggastrasse", "Zorbitol", "E11.9",
                           loaded[0].mrn, target.mrn, "+25078000"] {
                #expect(!dump.contains(needle), "plaintext '\(needle)' found in the \(backend) database")
            }
        }
    }

    @Test("a batch that fails writes nothing of itself and reserves no MRN", arguments: TestBackend.enabled)
    func failedBatch(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "bulkfail")
            let loader = PatientBulkLoader(keyring: app.services.keyring, audit: app.services.audit)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            // Patient 1,500 repeats the national id of patient 12 (first batch): the second batch is refused.
            await #expect(throws: AppError.self) {
                try await loader.load(count: 2_000, in: scope, origin: .none, make: { i in
                    var p = Self.patient(i, homes: [t.f1.id!])
                    if i == 1_500 { p.nationalID = "NIDZQ12" }
                    return p
                })
            }
            #expect(try await scope.query(Patient.self).count() == 1_000)
            #expect(try await scope.query(PatientNameToken.self).count() == 2_000)
            // The part that did get in is on record as a failed load.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "patient.bulk_load").all()
            #expect(events.map(\.outcome) == ["failure"])
            #expect(events.first?.details.contains("\"count\":\"1000\"") == true, "\(events.first?.details ?? "")")
            let created = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token,
                                             json: jsonBody(["given_name": "Ana", "family_name": "Later", "sex": "female"]))
            #expect(created.json["mrn"] as? String == "MRN00001001")
        }
    }

    /// The database as an operator's backup holds it.
    static func rawDump(_ app: Application, _ backend: TestBackend) async throws -> String {
        switch backend {
        case .sqlite:
            try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(FULL)").run()
            let dir = app.services.configuration.dataDirectory
            var bytes = Data()
            for suffix in ["", "-wal", "-shm"] {
                bytes += (try? Data(contentsOf: URL(fileURLWithPath: dir + "/careflow.sqlite" + suffix))) ?? Data()
            }
            return String(decoding: bytes, as: UTF8.self)
        case .postgres:
            return try await EncryptionAtRestTests.pgDump(schema: try #require(EncryptionAtRestTests.schema(of: app)))
        }
    }
}
