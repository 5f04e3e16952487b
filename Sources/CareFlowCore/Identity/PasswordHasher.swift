/// Hashes and checks passwords. The application provides bcrypt; the core only needs the
/// two operations, so the domain stays free of the web framework. Both are deliberately slow
/// (tens to hundreds of milliseconds), so implementations run them off the event loops.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}
