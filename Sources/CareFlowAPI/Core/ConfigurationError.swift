/// An environment setting CareFlow refuses to start with; the reason names the variable.
struct ConfigurationError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
