import CareFlowCore
import NIOPosix
import Vapor

/// bcrypt from Vapor, behind the core's `PasswordHasher`. A bcrypt at cost 12 takes a quarter
/// of a second of CPU: on an event loop it would stall every connection of that loop, so it
/// runs on NIO's blocking thread pool.
struct BcryptPasswordHasher: CareFlowCore.PasswordHasher {
    let cost: Int
    let pool: NIOThreadPool

    init(cost: Int, pool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.pool = pool
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await pool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await pool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}
