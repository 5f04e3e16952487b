/// Hashes and checks passwords. The application provides bcrypt; the core only needs the
/// two operations, so the domain stays free of the web framework.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) throws -> String
    func verify(_ password: String, against hash: String) throws -> Bool
}
