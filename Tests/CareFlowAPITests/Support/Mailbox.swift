@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Vapor

/// The emails CareFlow queued for a tenant, read from the outbox rows (the durable record of
/// what will be sent), oldest first.
enum Mailbox {
    static func emails(_ app: Application, tenantID: UUID, to address: String) async throws -> [OutgoingEmail] {
        let rows = try await OutboxMessage.query(on: app.db).filter(\.$tenantID == tenantID).filter(\.$capability == "email")
            .sort(\.$createdAt).all()
        var found: [OutgoingEmail] = []
        for row in rows {
            if case .email(let email) = try await app.services.outbox.open(row, on: app.db), email.to == address { found.append(email) }
        }
        return found
    }

    /// The `token` query parameter of the newest link to `path` sent to `address`.
    static func lastToken(_ app: Application, tenantID: UUID, to address: String, path: String) async throws -> String? {
        for email in try await emails(app, tenantID: tenantID, to: address).reversed() {
            guard let range = email.body.range(of: "\(path)?token=") else { continue }
            let token = email.body[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            return String(token)
        }
        return nil
    }
}
