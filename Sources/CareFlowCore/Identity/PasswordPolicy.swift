/// The minimum password policy (NIST SP 800-63B style: length over composition rules).
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// bcrypt reads only the first 72 bytes; longer input would be silently truncated.
    public static let maximumBytes = 72

    /// Reasons the password is refused; empty when it is acceptable.
    public static func problems(with password: String, email: String?) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append("must be at least \(minimumLength) characters") }
        if password.utf8.count > maximumBytes { problems.append("must be at most \(maximumBytes) bytes") }
        if Set(password).count < 4 { problems.append("must use at least 4 different characters") }
        // The mailbox name is guessable; very short ones would match almost any password.
        if let local = email?.lowercased().split(separator: "@").first, local.count >= 4, password.lowercased().contains(local) {
            problems.append("must not contain the email address")
        }
        return problems
    }
}
