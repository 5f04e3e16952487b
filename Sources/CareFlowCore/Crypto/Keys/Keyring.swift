import Crypto
import FluentKit
import Foundation

/// Unwraps and caches each owner's (tenant's or the platform's) keys. Cached ciphers expire
/// after `cacheLifetime`, so a rotation done by the CLI reaches running servers without a
/// restart; the rotation waits that long before it retires the old key.
public actor Keyring {
    public nonisolated let master: MasterKeys
    public nonisolated let cacheLifetime: Duration
    private var cache: [String: (cipher: FieldCipher, loaded: ContinuousClock.Instant)] = [:]
    /// Patients' ciphers (`Keyring+Patients`), same lifetime: an erasure elsewhere reaches this
    /// process's cache within `cacheLifetime`.
    var patientCache: [UUID: (cipher: FieldCipher, loaded: ContinuousClock.Instant)] = [:]

    public init(master: MasterKeys, cacheLifetime: Duration = .seconds(30)) {
        self.master = master
        self.cacheLifetime = cacheLifetime
    }

    public func cipher(forTenant tenantID: UUID?, on db: any Database) async throws -> FieldCipher {
        try await cipher(owner: WrappedKey.owner(for: tenantID), on: db)
    }

    public func cipher(owner: String, on db: any Database) async throws -> FieldCipher {
        if let hit = cache[owner], ContinuousClock.now - hit.loaded < cacheLifetime { return hit.cipher }
        var keys = try await WrappedKey.query(on: db).filter(\.$owner == owner).filter(\.$status != .retired).all()
        if keys.isEmpty {
            try await Self.createKeys(owner: owner, master: master, on: db)
            keys = try await WrappedKey.query(on: db).filter(\.$owner == owner).filter(\.$status != .retired).all()
        }
        let cipher = try build(owner: owner, keys: keys)
        cache[owner] = (cipher, ContinuousClock.now)
        return cipher
    }

    public func forget(owner: String) {
        cache[owner] = nil
        // Patients' ciphers carry their tenant's keys (for older values): rebuilt with it.
        patientCache.removeAll()
    }

    func build(owner: String, keys: [WrappedKey]) throws -> FieldCipher {
        let data = keys.filter { $0.purpose == .data }.sorted { lhs, rhs in
            // Active first (it seals), then newest first.
            (lhs.status == .active ? 1 : 0, lhs.version) > (rhs.status == .active ? 1 : 0, rhs.version)
        }
        guard let active = data.first, active.status == .active,
              let index = keys.filter({ $0.purpose == .index && $0.status == .active }).max(by: { $0.version < $1.version })
        else { throw KeyHierarchyError.noActiveKey(owner: owner) }
        let dataKeys = try data.map { try unwrap($0) }
        let indexKey = try unwrap(index)
        return FieldCipher(dataKeys: dataKeys, activeVersion: active.version, indexKey: SymmetricKey(data: indexKey.rawBytes))
    }

    func unwrap(_ key: WrappedKey) throws -> FernetKey {
        do {
            return try FernetKey(bytes: master.wrapper.decrypt(key.wrapped))
        } catch {
            throw KeyHierarchyError.unwrapFailed(owner: key.owner, purpose: key.purpose.rawValue, version: key.version)
        }
    }

    /// Creates version 1 of an owner's data and index keys. Concurrent creators race on the
    /// unique (owner, purpose, version) index; the loser simply reads the winner's keys.
    public static func createKeys(owner: String, master: MasterKeys, on db: any Database) async throws {
        do {
            try await db.transaction { tx in
                for purpose in [WrappedKey.Purpose.data, .index] {
                    let fresh = FernetKey.generate()
                    try await WrappedKey(owner: owner, purpose: purpose, version: 1,
                                         wrapped: master.wrapper.encrypt(fresh.rawBytes), status: .active).create(on: tx)
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return
        }
    }
}
