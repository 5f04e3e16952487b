@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing

/// PRODUCT §3: contact details are stored as Fernet tokens under the tenant's key; exact-match
/// search on an email goes through a blind index, never the plaintext. PRODUCT §1: each tenant
/// has its own keys.
@Suite("Field encryption of users, without HTTP")
struct FieldEncryptionServiceTests {
    @Test("an email is stored sealed, found by blind index whatever its case, and only in its tenant", arguments: TestBackend.enabled)
    func sealedAndIndexed(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (a, _) = try await bed.tenant("seal-a")
            let (b, _) = try await bed.tenant("seal-b")
            let email = "Nurse.Mukamana@Example.org"
            let created = try await bed.directory(try a.requireID())
                .create(email: email, displayName: "Grace Mukamana", status: .invited)

            let sql = try #require(bed.db as? any SQLDatabase)
            let rows = try await sql.raw("SELECT * FROM users WHERE id = \(bind: try created.requireID())").all()
            let row = try #require(rows.first)
            for column in row.allColumns {
                let value = (try? row.decode(column: column, as: String?.self)) ?? nil
                #expect(value?.lowercased().contains("mukamana") != true, "plaintext in column \(column)")
            }

            let found = try #require(try await bed.directory(try a.requireID()).find(email: email.uppercased()))
            #expect(found.id == created.id)
            #expect(try await bed.directory(try a.requireID()).profile(found).email.lowercased() == email.lowercased())
            #expect(try await bed.directory(try b.requireID()).find(email: email) == nil)
        }
    }
}
