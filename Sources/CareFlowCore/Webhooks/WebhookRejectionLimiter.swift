import Foundation
import Synchronization

/// Where unverifiable webhooks come from: the client address (after trusted proxies), the
/// tenant of the path and the provider. Limits and audit aggregation are per source, so one
/// noisy sender never silences another.
public struct WebhookSource: Hashable, Sendable {
    public let clientAddress: String
    public let tenantID: UUID
    public let provider: WebhookProvider

    public init(clientAddress: String?, tenantID: UUID, provider: WebhookProvider) {
        self.clientAddress = clientAddress ?? "unknown"
        self.tenantID = tenantID
        self.provider = provider
    }
}

/// How many rejections a source may cause before they stop costing audit rows, then requests.
public struct WebhookRejectionPolicy: Sendable {
    /// Fixed windows, in seconds.
    public var window: TimeInterval
    /// Rejections per source and window audited one by one (`webhook.rejected` with its reason).
    public var auditedPerWindow: Int
    /// Rejections per source and window after which its requests are answered 429 before any
    /// verification or database write, until the window ends.
    public var refusedAfter: Int
    /// Sources tracked at once; beyond it new sources share one entry per tenant and provider,
    /// so address spraying cannot grow memory.
    public var maxSources: Int

    public init(window: TimeInterval = 60, auditedPerWindow: Int = 10, refusedAfter: Int = 30, maxSources: Int = 10_000) {
        self.window = max(1, window)
        self.auditedPerWindow = max(0, auditedPerWindow)
        self.refusedAfter = max(self.auditedPerWindow, refusedAfter)
        self.maxSources = max(1, maxSources)
    }
}

/// Counts webhook rejections per source in fixed windows (in-process: each replica counts its
/// own). The first `auditedPerWindow` of a window are audited individually; the rest are only
/// counted and reported as one summary when the window has ended; beyond `refusedAfter` the
/// source is refused outright. Audit rows per source and window are therefore at most
/// `auditedPerWindow + 1`, however many requests arrive.
public final class WebhookRejectionLimiter: Sendable {
    public enum Decision: Sendable, Equatable {
        case auditIndividually
        case countOnly
    }

    /// A finished window with rejections that were not audited individually.
    public struct Summary: Sendable, Equatable {
        public let source: WebhookSource
        public let windowStart: Date
        /// Every rejection of the window, audited or not.
        public let rejected: Int
        /// Of those, the ones without an audit event of their own.
        public let unaudited: Int
        /// Requests answered 429 without verification.
        public let refused: Int
    }

    private struct Window {
        var start: Date
        var rejected = 0
        var refused = 0
    }

    private struct State {
        var open: [WebhookSource: Window] = [:]
        var closed: [Summary] = []
    }

    public let policy: WebhookRejectionPolicy
    private let state = Mutex(State())

    public init(policy: WebhookRejectionPolicy = WebhookRejectionPolicy()) {
        self.policy = policy
    }

    /// Before verification: nil when the request may be verified, otherwise the seconds until
    /// the source's window ends (the request is refused and counted).
    public func admit(_ source: WebhookSource, now: Date = Date()) -> Int? {
        state.withLock { state in
            let key = self.key(source, in: &state, now: now)
            guard var window = state.open[key], window.rejected >= policy.refusedAfter else { return nil }
            window.refused += 1
            state.open[key] = window
            return max(1, Int((window.start.addingTimeInterval(policy.window).timeIntervalSince(now)).rounded(.up)))
        }
    }

    /// Counts a rejection; says whether it gets an audit event of its own.
    public func reject(_ source: WebhookSource, now: Date = Date()) -> Decision {
        state.withLock { state in
            let key = self.key(source, in: &state, now: now)
            var window = state.open[key] ?? Window(start: now)
            window.rejected += 1
            state.open[key] = window
            return window.rejected <= policy.auditedPerWindow ? .auditIndividually : .countOnly
        }
    }

    /// Takes the summaries of every window that has ended with rejections not audited
    /// individually (each is returned once).
    public func takeSummaries(now: Date = Date()) -> [Summary] {
        state.withLock { state in
            for (key, window) in state.open where window.start.addingTimeInterval(policy.window) <= now {
                close(key, window, in: &state)
            }
            defer { state.closed.removeAll() }
            return state.closed
        }
    }

    /// The key a source counts under, after rolling its window over if it has ended.
    private func key(_ source: WebhookSource, in state: inout State, now: Date) -> WebhookSource {
        var key = source
        if state.open[key] == nil, state.open.count >= policy.maxSources {
            key = WebhookSource(clientAddress: "*", tenantID: source.tenantID, provider: source.provider)
        }
        if let window = state.open[key], window.start.addingTimeInterval(policy.window) <= now {
            close(key, window, in: &state)
        }
        return key
    }

    private func close(_ key: WebhookSource, _ window: Window, in state: inout State) {
        state.open[key] = nil
        let unaudited = max(0, window.rejected - policy.auditedPerWindow)
        guard unaudited > 0 || window.refused > 0 else { return }
        // Drained every window by the server; the cap only matters if nothing drains it.
        if state.closed.count >= policy.maxSources { state.closed.removeFirst() }
        state.closed.append(Summary(source: key, windowStart: window.start, rejected: window.rejected,
                                    unaudited: unaudited, refused: window.refused))
    }
}
