@testable import CareFlowAPI
import CareFlowCore
import CareFlowModels
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Importing a facility's patients")
struct ImportTests {
    static let csv = #"""
        given_name,family_name,birth_date,sex,phone,email,national_id,address,insurance_provider,insurance_policy_number,emergency_name,emergency_phone,emergency_relationship,blood_type,allergies,conditions
        Aline,Uwase,1990-05-01,female,+250788100001,,NID-001,"Kigali, Gasabo",RSSB,RS-1,Eric,+250788100099,husband,O+,penicillin;latex,I10:stage 1;E11.9
        Jean,Mugabo,1985-13-40,male,+250788100002,,NID-002,,,,,,,,,
        Claudine,Ingabire,2001-01-01,F,0788,,NID-003,,,,,,,Z+,,diabetes
        Paul,Kagame,,male,,,,,,,,,,,,
        "Marie ""Mimi""",Mukamana,1975-07-07,female,,mimi@example.org,,,,,,,,,,J45
        """#

    @Test("bad rows are reported with reasons, good rows imported, a re-run adds nothing", arguments: TestBackend.enabled)
    func importPatients(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "imp")
            let table = try CSVTable(text: Self.csv)
            #expect(table.rows.count == 5)
            let (good, bad) = PatientImport.validate(table, facilityID: t.f1.id!)
            #expect(good.map(\.line) == [2, 6])
            #expect(bad.map(\.line) == [3, 4, 5])
            let byLine = Dictionary(uniqueKeysWithValues: bad.map { ($0.line, $0.reasons.joined(separator: "; ")) })
            #expect(byLine[3]?.contains("birth_date") == true)
            let line4 = try #require(byLine[4])
            for field in ["sex", "phone", "blood_type", "conditions[0].code"] { #expect(line4.contains(field), "\(field) in \(line4)") }
            #expect(byLine[5]?.contains("national_id, email or phone") == true)

            let first = try await PatientImport.run(good, tenantID: t.id, services: app.services, db: app.db, batchSize: 1) { _, _ in }
            #expect(first.imported == 2 && first.alreadyPresent == 0)
            let again = try await PatientImport.run(good, tenantID: t.id, services: app.services, db: app.db, batchSize: 1) { _, _ in }
            #expect(again.imported == 0 && again.alreadyPresent == 2)
            let count = try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self).count()
            #expect(count == 2)

            // The imported patient reads back exactly, quoted fields and nested columns included.
            let list = try await app.send(.GET, "/api/v1/patients?national_id=NID-001", token: t[.receptionist].token)
            let id = try #require((list.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            try await TenantScope(tenantID: t.id, db: app.db).create(CareRelationship(
                tenantID: t.id, patientID: UUID(uuidString: id)!, doctorID: t[.doctor].id, kind: .primary, referredBy: nil, endsOn: nil))
            let p = try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.doctor].token)
            #expect(p.json["address"] as? String == "Kigali, Gasabo")
            #expect((p.json["insurance"] as? [String: Any])?["policy_number"] as? String == "RS-1")
            #expect(p.json["allergies"] as? [String] == ["penicillin", "latex"])
            #expect((p.json["conditions"] as? [[String: Any]])?.compactMap { $0["note"] as? String } == ["stage 1"])
            #expect(p.json["home_facility_id"] as? String == t.f1.id!.uuidString)
            let mimi = try await app.send(.GET, "/api/v1/patients?email=mimi@example.org", token: t[.receptionist].token)
            #expect((mimi.json["items"] as? [[String: Any]])?.first?["given_name"] as? String == "Marie \"Mimi\"")
        }
    }

    @Test("CSV parsing: quotes, CRLF, BOM, ragged rows")
    func csvParsing() throws {
        let t = try CSVTable(text: "\u{FEFF}a,b\r\n\"x,1\",\"line\nbreak\"\r\n,\r\n")
        #expect(t.header == ["a", "b"])
        #expect(t.rows.count == 2)
        #expect(t.rows[0].values == ["a": "x,1", "b": "line\nbreak"])
        #expect(t.rows[1].values.isEmpty)
        #expect(throws: CSVTable.Failure.self) { try CSVTable(text: "a,b\n1,2,3\n") }
        #expect(throws: CSVTable.Failure.self) { try CSVTable(text: "a\n\"open\n") }
        #expect(throws: CSVTable.Failure.self) { try CSVTable(text: "") }
    }
}
