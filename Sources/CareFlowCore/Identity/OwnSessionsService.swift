import FluentKit
import Foundation

/// One live session as its owner sees it: when and how it started, when it was last used,
/// which one is the caller's. Never a token.
public struct SessionSummary: Sendable {
    public let id: UUID
    public let createdAt: Date?
    /// When its refresh token was last issued (login or refresh).
    public let lastUsedAt: Date?
    public let expiresAt: Date
    public let amr: [String]
    public let current: Bool
}

/// The caller's own sessions: list them, end one. Another person's session is "not found".
public struct OwnSessionsService: Sendable {
    let db: any Database
    let audit: AuditLog

    let revoker: SessionRevoker

    public init(db: any Database, audit: AuditLog, revoker: SessionRevoker) {
        self.revoker = revoker
        self.db = db
        self.audit = audit
    }

    public func list(of principal: Principal, now: Date = Date()) async throws -> [SessionSummary] {
        let sessions = try await AuthSession.query(on: db)
            .filter(\.$subjectID == principal.subjectID).filter(\.$subjectKind == principal.kind)
            .filter(\.$revokedAt == nil).filter(\.$expiresAt > now)
            .sort(\.$createdAt, .descending).all()
        let ids = sessions.compactMap(\.id)
        var lastUsed: [UUID: Date] = [:]
        if !ids.isEmpty {
            for token in try await RefreshToken.query(on: db).filter(\.$sessionID ~~ ids)
                .field(\.$sessionID).field(\.$createdAt).all() {
                guard let at = token.createdAt else { continue }
                lastUsed[token.sessionID] = max(lastUsed[token.sessionID] ?? at, at)
            }
        }
        return sessions.map {
            SessionSummary(id: $0.id!, createdAt: $0.createdAt, lastUsedAt: lastUsed[$0.id!], expiresAt: $0.expiresAt,
                           amr: $0.amrList, current: $0.id == principal.sessionID)
        }
    }

    public func end(_ sessionID: UUID, of principal: Principal, origin: RequestOrigin) async throws {
        guard let session = try await AuthSession.query(on: db)
            .filter(\.$id == sessionID).filter(\.$subjectID == principal.subjectID).filter(\.$subjectKind == principal.kind)
            .first()
        else { throw AppError.notFound("Session not found") }
        try await revoker.revoke(sessionID: sessionID, reason: "ended_by_owner", on: db)
        try await audit.append(
            AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: "auth.session_end", targetType: "session",
                        targetID: session.id!.uuidString.lowercased()),
            origin: origin, on: db)
    }
}
