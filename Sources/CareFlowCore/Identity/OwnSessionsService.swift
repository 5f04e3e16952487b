import FluentKit
import Foundation
import SQLKit

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
        let lastUsed = try await lastRefresh(of: sessions.compactMap(\.id))
        return sessions.map {
            SessionSummary(id: $0.id!, createdAt: $0.createdAt, lastUsedAt: lastUsed[$0.id!], expiresAt: $0.expiresAt,
                           amr: $0.amrList, current: $0.id == principal.sessionID)
        }
    }

    /// When each session last got a refresh token: one grouped query, however many times a
    /// long session has rotated (every 15 minutes, for weeks).
    private func lastRefresh(of sessionIDs: [UUID]) async throws -> [UUID: Date] {
        guard !sessionIDs.isEmpty else { return [:] }
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let rows = try await sql.select()
            .column("session_id")
            .column(SQLFunction("MAX", args: SQLColumn("created_at")), as: "last_used_at")
            .from(RefreshToken.schema)
            .where("session_id", .in, sessionIDs)
            .groupBy("session_id")
            .all()
        var lastUsed: [UUID: Date] = [:]
        for row in rows {
            lastUsed[try row.decode(column: "session_id", as: UUID.self)] = try row.decode(column: "last_used_at", as: Date?.self)
        }
        return lastUsed
    }

    public func end(_ sessionID: UUID, of principal: Principal, origin: RequestOrigin) async throws {
        guard try await AuthSession.query(on: db)
            .filter(\.$id == sessionID).filter(\.$subjectID == principal.subjectID).filter(\.$subjectKind == principal.kind)
            .first() != nil
        else { throw AppError.notFound("Session not found") }
        let (revoker, audit) = (revoker, audit)
        let record = AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: .authSessionEnd,
                                 targetType: "session", targetID: sessionID.lowercasedString)
        // The revocation and its event commit together.
        try await WriteTransaction.run(on: db) { tx in
            try await revoker.revoke(sessionID: sessionID, reason: "ended_by_owner", on: tx)
            try await audit.append(record, origin: origin, on: tx)
        }
    }
}
