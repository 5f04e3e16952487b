import Foundation

/// A person registering themself as a patient (`POST /api/v1/auth/signup`): plaintext,
/// already checked for shape by the reader of the request body.
public struct SignupRequest: Sendable {
    public var tenantSlug: String
    public var email: String
    public var password: String
    public var givenName: String
    public var familyName: String
    /// YYYY-MM-DD.
    public var birthDate: String
    /// E.164.
    public var phone: String?

    public init(tenantSlug: String, email: String, password: String, givenName: String, familyName: String,
                birthDate: String, phone: String?) {
        self.tenantSlug = tenantSlug
        self.email = email
        self.password = password
        self.givenName = givenName
        self.familyName = familyName
        self.birthDate = birthDate
        self.phone = phone
    }
}
