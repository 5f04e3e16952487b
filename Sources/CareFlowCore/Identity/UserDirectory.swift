import FluentKit
import Foundation

/// A tenant's accounts as plaintext for the services, ciphertext for the database: emails and
/// names are sealed under the tenant's data key and found through blind indexes.
public struct UserDirectory: Sendable {
    public let scope: TenantScope
    public let cipher: FieldCipher

    public init(scope: TenantScope, cipher: FieldCipher) {
        self.scope = scope
        self.cipher = cipher
    }

    public func find(email: String) async throws -> User? {
        try await scope.query(User.self).filter(\.$emailIndex == cipher.index(email, as: .email)).first()
    }

    public func create(email: String, displayName: String?, status: User.Status, passwordHash: String? = nil) async throws -> User {
        let user = User(
            tenantID: scope.tenantID, emailSealed: try cipher.seal(BlindIndexKind.email.normalise(email)),
            emailIndex: cipher.index(email, as: .email), displayNameSealed: try displayName.map { try cipher.seal($0) },
            status: status)
        user.passwordHash = passwordHash
        try await scope.create(user)
        return user
    }

    public func profile(_ user: User) throws -> UserProfile {
        UserProfile(user: user, email: try cipher.open(user.emailSealed), displayName: try cipher.open(user.displayNameSealed))
    }

    public func on(_ db: any Database) -> UserDirectory {
        UserDirectory(scope: scope.on(db), cipher: cipher)
    }
}

/// An account with its identifying fields opened.
public struct UserProfile: Sendable {
    public let user: User
    public let email: String
    public let displayName: String?
    public var id: UUID { user.id! }
}
