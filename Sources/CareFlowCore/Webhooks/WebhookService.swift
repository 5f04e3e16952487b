import Crypto
import FluentKit
import Foundation

/// Inbound provider webhooks (PRODUCT §5): verify over the raw body before anything takes
/// effect; record the event under (tenant, provider, event id) in the same transaction as its
/// effect, so a retry or a replay is answered 200 with no second effect; refuse the unverifiable
/// with nothing stored but an audit event — and, for a source that keeps failing, not even
/// that (see `WebhookRejectionLimiter`).
public struct WebhookService: Sendable {
    let audit: AuditLog
    let keyring: Keyring
    let inboundSMS: InboundSMSRouter
    let rejections: WebhookRejectionLimiter
    let tenants: TenantIdentities
    private let ledger: WebhookLedger

    public init(audit: AuditLog, keyring: Keyring, inboundSMS: InboundSMSRouter = InboundSMSRouter(),
                rejections: WebhookRejectionLimiter = WebhookRejectionLimiter(), tenants: TenantIdentities = TenantIdentities(),
                statements: any LedgerStatementRunner) {
        self.tenants = tenants
        self.audit = audit
        self.keyring = keyring
        self.inboundSMS = inboundSMS
        self.rejections = rejections
        self.ledger = WebhookLedger(settlement: InvoiceSettlement(audit: audit), statements: statements)
    }

    public enum Outcome: Sendable, Equatable {
        case applied
        case replayed
    }

    /// What a verified request came to, for the route's answer.
    public enum Receipt: Sendable, Equatable {
        case payment(Outcome)
        /// How many of the request's reports were new.
        case deliveries(applied: Int)
        case inboundMessage(Outcome, reply: WebhookReply)
    }

    /// A request to one of the plugins' webhook routes for the tenant of `scope`. Verified with
    /// the tenant's `secrets` before anything is read or written; then handled as the route says.
    /// For a payment event, the tenant's id may come from `tenantID(forSlug:on:)`'s cache: the
    /// write checks the tenant is still active, in the same statement, and answers 404 if not.
    public func receive(_ webhook: InboundWebhook, on route: WebhookRoute, secrets: [String], in scope: TenantScope,
                        origin: RequestOrigin, now: Date = Date()) async throws -> Receipt {
        try await verified(route.provider, scope: scope, origin: origin) { () throws(WebhookVerificationError) in
            try route.verifier.verify(webhook, secrets: secrets, now: now)
        }
        switch route.handling {
        case .paymentEvent(let decoder):
            return .payment(try await receivePayment(try decoder.decode(webhook), from: route.provider, payload: webhook.body,
                                                     in: scope, now: now))
        case .deliveryReports(let decoder):
            return .deliveries(applied: try await receiveDeliveries(try decoder.decode(webhook), ranks: decoder.statusRanks,
                                                                    from: route.provider, in: scope))
        case .inboundMessage(let decoder):
            let (outcome, reply) = try await receiveInbound(try decoder.decode(webhook), from: route.provider, in: scope, origin: origin,
                                                            now: now)
            return .inboundMessage(outcome, reply: decoder.reply(outcome == .applied ? reply : nil))
        }
    }

    /// The id of an active tenant by slug, for the webhook routes; nil when there is none. Ids
    /// never change, so a found id is kept (callers pass only configured slugs, which bounds the
    /// cache); whether the tenant is still active is checked again where an event is written.
    public func tenantID(forSlug slug: String, on db: any Database) async throws -> UUID? {
        try await tenants.activeID(forSlug: slug, on: db)
    }

    // MARK: Payments

    /// The event and its payment effect with group commit (see `WebhookLedger`).
    private func receivePayment(_ event: PaymentEvent, from provider: WebhookProvider, payload: Data, in scope: TenantScope,
                                now: Date) async throws -> Outcome {
        try checkEventIdentity(eventID: event.id, type: event.type)
        let entry = WebhookLedger.Entry(tenantID: scope.tenantID, provider: provider, eventID: event.id, type: event.type,
                                        payloadSHA256: Self.sha256Hex(payload), payment: event.update, at: now)
        switch try await ledger.record(entry, on: scope.db) {
        case .applied: return .applied
        case .replayed: return .replayed
        case .tenantInactive:
            tenants.forget(scope.tenantID)
            throw AppError.notFound("Unknown tenant")
        }
    }

    /// A payment event that did not come over HTTP (the console adapter's simulated payments),
    /// recorded and applied exactly as a verified webhook's: same ledger, same invoice effects.
    public func recordPaymentEvent(_ event: PaymentEvent, from provider: WebhookProvider, in scope: TenantScope,
                                   now: Date = Date()) async throws -> Outcome {
        try await receivePayment(event, from: provider, payload: Data(event.id.utf8), in: scope, now: now)
    }

    // MARK: Delivery reports

    /// Each report is recorded and applied on its own (a batch may hold reports already seen);
    /// returns how many were new. Some providers have no event id for a report; their decoder
    /// makes one (e.g. message id and status: the same status reported twice is a replay).
    private func receiveDeliveries(_ reports: [DeliveryReport], ranks: [String: Int], from provider: WebhookProvider,
                                   in scope: TenantScope) async throws -> Int {
        var applied = 0
        for report in reports {
            let outcome = try await record(provider, eventID: report.eventID, type: report.type, payload: report.payload, in: scope) { tx in
                guard let messageID = report.providerMessageID else { return }
                try await advanceDelivery(providerMessageID: messageID, to: report.status, error: report.error, ranks: ranks, in: tx)
            }
            if outcome == .applied { applied += 1 }
        }
        return applied
    }

    // MARK: Inbound messages

    /// An SMS a patient sent. STOP-family keywords opt the number out (START / UNSTOP back in);
    /// anything else goes to the registered handlers (DONE, YES, NO). Returns the reply text.
    private func receiveInbound(_ message: InboundMessage, from provider: WebhookProvider, in scope: TenantScope,
                                origin: RequestOrigin, now: Date) async throws -> (Outcome, String?) {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let phoneIndex = cipher.index(message.from, as: .phone)
        let sms = InboundSMS(text: message.text, fromPhoneIndex: phoneIndex, origin: origin, receivedAt: now)
        let keyword = sms.keyword
        let audit = audit, tenantID = scope.tenantID, target = String(phoneIndex.prefix(16))
        let optOut = AuditRecord(tenantID: tenantID, actor: .anonymous, action: .smsOptOut, targetType: "phone", targetID: target)
        let optIn = AuditRecord(tenantID: tenantID, actor: .anonymous, action: .smsOptIn, targetType: "phone", targetID: target)
        // An opt-out or opt-in commits with its event and the delivery's record.
        return try await recordReplying(provider, eventID: message.eventID, type: message.type,
                                        payload: message.payload, in: scope) { tx -> String? in
            switch keyword {
            case .stop:
                try await setOptOut(phoneIndex, true, in: tx)
                try await audit.append(optOut, origin: origin, on: tx.db)
                return nil
            case .start:
                try await setOptOut(phoneIndex, false, in: tx)
                try await audit.append(optIn, origin: origin, on: tx.db)
                return nil
            default: return try await inboundSMS.handle(sms, in: tx)
            }
        }
    }

    /// Whether the tenant may text this number (STOP not answered, or START since).
    public func maySend(toPhone phone: String, in scope: TenantScope) async throws -> Bool {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let row = try await scope.query(SMSOptOut.self).filter(\.$phoneIndex == cipher.index(phone, as: .phone)).first()
        return !(row?.optedOut ?? false)
    }

    private func setOptOut(_ phoneIndex: String, _ optedOut: Bool, in scope: TenantScope) async throws {
        if let row = try await scope.query(SMSOptOut.self).filter(\.$phoneIndex == phoneIndex).first() {
            row.optedOut = optedOut
            try await scope.update(row)
        } else {
            let row = SMSOptOut()
            row.tenantID = scope.tenantID
            row.phoneIndex = phoneIndex
            row.optedOut = optedOut
            try await scope.create(row)
        }
    }

    // MARK: Shared

    private func advanceDelivery(providerMessageID: String, to status: String, error: String?, ranks: [String: Int],
                                 in scope: TenantScope) async throws {
        guard let message = try await scope.query(OutboxMessage.self).filter(\.$providerMessageID == providerMessageID).first(),
              DeliveryStatus.advances(from: message.deliveryStatus, to: status, ranks: ranks) else { return }
        message.deliveryStatus = status
        if let error, !error.isEmpty { message.lastError = String(error.prefix(200)) }
        try await scope.update(message)
    }

    /// Runs the verification. A source over its rejection limit is refused (429) before any
    /// work or write; a failure is audited individually while the source is under the audited
    /// quota, otherwise only counted for the window's summary.
    private func verified(_ provider: WebhookProvider, scope: TenantScope, origin: RequestOrigin,
                          _ check: () throws(WebhookVerificationError) -> Void) async throws {
        let source = WebhookSource(clientAddress: origin.ip, tenantID: scope.tenantID, provider: provider)
        if let wait = rejections.admit(source) { throw AppError.rateLimited(retryAfterSeconds: wait) }
        do {
            try check()
        } catch {
            if rejections.reject(source) == .auditIndividually {
                try await audit.append(
                    AuditRecord(tenantID: scope.tenantID, actor: .anonymous, action: .webhookRejected, outcome: .denied,
                                targetType: "webhook", targetID: provider.rawValue, details: ["reason": error.reason]),
                    origin: origin, on: scope.db)
            }
            // Summaries are bookkeeping: failing to write one must not turn this 401 into a 500.
            _ = try? await flushRejectionSummaries(on: scope.db)
            switch error {
            case .missingHeader, .malformedHeader: throw AppError.malformedBody("Webhook refused: \(error.reason)")
            default: throw AppError.unauthenticated("Webhook refused: \(error.reason)")
            }
        }
    }

    /// Audits one `webhook.rejected` summary per source and ended window whose rejections were
    /// not all audited individually, with the counts. Runs after rejections and periodically
    /// in `serve`; returns how many summaries were written.
    @discardableResult
    public func flushRejectionSummaries(on db: any Database, now: Date = Date()) async throws -> Int {
        let summaries = rejections.takeSummaries(now: now)
        for summary in summaries {
            let start = ISO8601DateFormatter().string(from: summary.windowStart)
            try await audit.append(
                AuditRecord(tenantID: summary.source.tenantID, actor: .anonymous, action: .webhookRejected, outcome: .denied,
                            targetType: "webhook", targetID: summary.source.provider.rawValue,
                            details: ["reason": "summary of repeated rejections", "rejected": String(summary.rejected),
                                      "not_audited_individually": String(summary.unaudited), "refused_429": String(summary.refused),
                                      "window_start": start, "window_seconds": String(Int(rejections.policy.window))]),
                origin: RequestOrigin(ip: ["unknown", "*"].contains(summary.source.clientAddress) ? nil : summary.source.clientAddress),
                on: db)
        }
        return summaries.count
    }

    /// Stores the event and applies its effect in one transaction; an event already stored is a
    /// replay and changes nothing. Concurrent deliveries of one event meet at the unique index.
    private func record(_ provider: WebhookProvider, eventID: String, type: String, payload: Data, in scope: TenantScope,
                        effect: @escaping @Sendable (TenantScope) async throws -> Void) async throws -> Outcome {
        try await recordReplying(provider, eventID: eventID, type: type, payload: payload, in: scope) { tx in
            try await effect(tx)
            return nil
        }.0
    }

    /// `record`, for effects that answer (an inbound SMS's reply text).
    private func recordReplying(_ provider: WebhookProvider, eventID: String, type: String, payload: Data, in scope: TenantScope,
                                effect: @escaping @Sendable (TenantScope) async throws -> String?) async throws -> (Outcome, String?) {
        try checkEventIdentity(eventID: eventID, type: type)
        if try await exists(provider, eventID, in: scope) { return (.replayed, nil) }
        let digest = Self.sha256Hex(payload)
        do {
            let reply = try await scope.writeTransaction { tx -> String? in
                let event = WebhookEvent()
                event.tenantID = tx.tenantID
                event.provider = provider.rawValue
                event.eventID = eventID
                event.eventType = type
                event.payloadSHA256 = digest
                try await tx.create(event)
                return try await effect(tx)
            }
            return (.applied, reply)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another delivery of the same event won the insert; its effect stands.
            return (.replayed, nil)
        }
    }

    private func checkEventIdentity(eventID: String, type: String) throws {
        guard !eventID.isEmpty, eventID.utf8.count <= 255, type.utf8.count <= 100 else {
            throw AppError.malformedBody("The event has no usable id or type")
        }
    }

    /// Lowercase hex of the body's SHA-256 (what `webhook_events.payload_sha256` keeps).
    static func sha256Hex(_ payload: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: payload) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private func exists(_ provider: WebhookProvider, _ eventID: String, in scope: TenantScope) async throws -> Bool {
        try await scope.query(WebhookEvent.self).filter(\.$provider == provider.rawValue).filter(\.$eventID == eventID).first() != nil
    }
}
