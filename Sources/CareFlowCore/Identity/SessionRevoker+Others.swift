import FluentKit
import Foundation

extension SessionRevoker {
    /// Ends every session of the user except one (the one that asked, after a password change).
    public static func revokeAll(ofUser userID: UUID, except keep: UUID, reason: String, on db: any Database) async throws {
        try await AuthSession.query(on: db)
            .filter(\.$subjectID == userID).filter(\.$subjectKind == .user).filter(\.$revokedAt == nil)
            .filter(\.$id != keep)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }
}
