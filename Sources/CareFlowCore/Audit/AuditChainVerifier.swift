import FluentKit
import Foundation

/// Re-computes every chain and reports the first event whose stored hash, link or sequence
/// does not match: the row an edit, deletion or insertion touched.
public struct AuditChainVerifier: Sendable {
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public let chain: String
        public let seq: Int
        public let eventID: UUID?
        public let reason: String

        public var description: String {
            "chain \(chain): event #\(seq) (\(eventID?.lowercasedString ?? "?")): \(reason)"
        }
    }

    public struct Report: Sendable {
        public var chains: Int = 0
        public var events: Int = 0
        public var breaks: [Break] = []
        /// For one chain: the last sequence number of the unbroken prefix (all of it when `ok`).
        public var verifiedThrough: Int = 0
        /// Events committed with their change but not linked into a chain yet
        /// (`AuditStagedEvent`): none for long unless a process stopped in between.
        public var staged: Int = 0
        public var ok: Bool { breaks.isEmpty }
    }

    public init() {}

    public func verify(on db: any Database, batchSize: Int = 1000) async throws -> Report {
        var report = Report()
        let chains = try await AuditEvent.query(on: db).unique().field(\.$chain).all().map(\.chain)
        for chain in Set(chains).sorted() {
            let one = try await verify(chain: chain, on: db, batchSize: batchSize)
            report.chains += 1
            report.events += one.events
            report.breaks += one.breaks
        }
        report.staged = try await AuditStagedEvent.query(on: db).count()
        return report
    }

    /// One chain (a tenant's: `AuditLog.chainKey(for:)`), checked exactly as `verify(on:)`
    /// checks each: the console shows a tenant its own chain's result.
    public func verify(chain: String, on db: any Database, batchSize: Int = 1000) async throws -> Report {
        var report = Report()
        report.chains = 1
        var expectedSeq = 1
        var prevHash = AuditHasher.genesis
        var lastSeq = 0
        chainLoop: while true {
            let batch = try await AuditEvent.query(on: db)
                .filter(\.$chain == chain).filter(\.$seq > lastSeq)
                .sort(\.$seq).limit(batchSize).all()
            if batch.isEmpty { break }
            for event in batch {
                report.events += 1
                lastSeq = event.seq
                if event.seq != expectedSeq {
                    report.breaks.append(Break(chain: chain, seq: event.seq, eventID: event.id,
                        reason: "sequence gap: expected #\(expectedSeq) (an event was deleted)"))
                    break chainLoop
                }
                if event.prevHash != prevHash {
                    report.breaks.append(Break(chain: chain, seq: event.seq, eventID: event.id,
                        reason: "previous-hash link does not match event #\(expectedSeq - 1)"))
                    break chainLoop
                }
                if AuditHasher.hash(of: event) != event.hash {
                    report.breaks.append(Break(chain: chain, seq: event.seq, eventID: event.id,
                        reason: "content does not match its hash (the row was edited)"))
                    break chainLoop
                }
                prevHash = event.hash
                expectedSeq += 1
            }
        }
        report.verifiedThrough = expectedSeq - 1
        return report
    }
}
