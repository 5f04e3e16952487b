import CareFlowCore
import Vapor

/// bcrypt from Vapor, behind the core's `PasswordHasher`.
struct BcryptPasswordHasher: CareFlowCore.PasswordHasher {
    let cost: Int

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    func verify(_ password: String, against hash: String) throws -> Bool {
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }
}
