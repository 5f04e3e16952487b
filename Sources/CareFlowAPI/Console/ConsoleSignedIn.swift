import CareFlowCore
import Vapor

/// The console session of the request, set by `ConsoleAuthMiddleware`.
struct ConsoleSignedIn: Sendable {
    let session: ConsoleSession
    let principal: Principal
}

extension Request {
    private struct ConsoleSignedInKey: StorageKey {
        typealias Value = ConsoleSignedIn
    }

    /// The signed-in console session; pages behind `ConsoleAuthMiddleware` always have one.
    var consoleSession: ConsoleSignedIn? {
        get { storage[ConsoleSignedInKey.self] }
        set { storage[ConsoleSignedInKey.self] = newValue }
    }

    func requireConsoleSession() throws -> ConsoleSignedIn {
        guard let signedIn = consoleSession else { throw AppError.unauthenticated("Sign in first") }
        return signedIn
    }
}
