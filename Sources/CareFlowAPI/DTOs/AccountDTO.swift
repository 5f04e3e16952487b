import CareFlowCore
import Vapor

/// The answer to a signup or a password-reset request: the same whether or not an account
/// exists, so it confirms nothing.
struct AccountRequestAcceptedDTO: Content {
    let status: String
    let detail: String

    static let signup = AccountRequestAcceptedDTO(
        status: "pending_verification",
        detail: "Check your email: the message tells you how to finish. The account can be used once the address is confirmed.")
    static let passwordReset = AccountRequestAcceptedDTO(
        status: "accepted", detail: "If an account uses this address, a reset link has been sent to it.")

    /// Byte for byte the same every time (sorted keys): not even the key order may differ
    /// between the "account exists" and "no account" answers.
    func response(_ status: HTTPStatus) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try encoder.encode(self)))
    }
}

/// One of the caller's own live sessions (`GET /api/v1/me/sessions`). No token.
struct SessionDTO: Content {
    let id: UUID
    let createdAt: Date?
    let lastUsedAt: Date?
    let expiresAt: Date
    let amr: [String]
    let current: Bool

    enum CodingKeys: String, CodingKey {
        case id, amr, current
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case expiresAt = "expires_at"
    }
}

extension SessionDTO {
    init(_ s: SessionSummary) {
        id = s.id
        createdAt = s.createdAt
        lastUsedAt = s.lastUsedAt
        expiresAt = s.expiresAt
        amr = s.amr
        current = s.current
    }
}

struct SessionListDTO: Content {
    let items: [SessionDTO]
}

extension AccountRequestAcceptedDTO: SchemaSample {
    static var schemaSamples: [Self] { [.signup] }
}

extension SessionDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [SessionDTO(id: UUID(), createdAt: Date(), lastUsedAt: Date(), expiresAt: Date(), amr: ["pwd"], current: true)]
    }
}

extension SessionListDTO: SchemaSample {
    static var schemaSamples: [Self] { [SessionListDTO(items: SessionDTO.schemaSamples)] }
}
