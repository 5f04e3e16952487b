import FluentKit
import Foundation

/// The one place where CareFlow talks to a tenant's LLM about a patient (issue 13). The text is
/// de-identified before it leaves (`Deidentifier`: the patient's names, MRN, national id, phone,
/// email and birth date, and any phone, email or exact date), sent with a JSON schema through
/// the tenant's adapter, the answer validated by the caller's rules and the placeholders put
/// back. Every exchange — answered or not — is stored sealed (`llm_exchanges`) and audited as
/// `llm.request` with purpose, adapter and outcome only. Nothing of the text is logged.
///
/// It does not decide who may ask: callers authorize first (a clinician's request) or act as
/// the system (an outbox job). No transaction is held open during the call.
public struct LLMExchangeService: Sendable {
    let llms: any TenantLLMs
    let keyring: Keyring
    let audit: AuditLog

    /// Longest text sent in one exchange; callers bound their inputs more tightly.
    public static let maxTextLength = 50_000
    /// Longest failure reason kept on the row.
    static let maxReasonLength = 500

    public init(llms: any TenantLLMs, keyring: Keyring, audit: AuditLog) {
        self.llms = llms
        self.keyring = keyring
        self.audit = audit
    }

    /// What one exchange asks.
    public struct Request: Sendable {
        public var purpose: LLMPurpose
        public var patientID: UUID
        /// Clinical text about the patient; de-identified before it is sent.
        public var text: String
        /// The system prompt. Written by CareFlow, so not de-identified: it must name no patient.
        public var instructions: String
        public var schema: JSONValue
        /// `^[a-zA-Z0-9_-]{1,64}$`, e.g. `care_steps`.
        public var schemaName: String
        /// Passed to the provider when it de-duplicates; the exchange's id when nil.
        public var idempotencyKey: String?

        public init(purpose: LLMPurpose, patientID: UUID, text: String, instructions: String, schema: JSONValue,
                    schemaName: String, idempotencyKey: String? = nil) {
            self.purpose = purpose
            self.patientID = patientID
            self.text = text
            self.instructions = instructions
            self.schema = schema
            self.schemaName = schemaName
            self.idempotencyKey = idempotencyKey
        }
    }

    /// A validated answer, with the patient's values back in place, and the exchange it came from.
    public struct Answer<Value: Sendable>: Sendable {
        public let value: Value
        public let exchangeID: UUID
        public let adapter: String
    }

    /// Sends `request` to the tenant's LLM and returns the answer as `validate` reads it.
    ///
    /// - Parameter validate: reads the restored JSON answer into the caller's type; throws when
    ///   the answer breaks the caller's rules (e.g. `ExtractedSteps(validating:)`). What it
    ///   throws is stored as the failure reason, so it must describe the shape, not the values.
    /// - Throws: `AppError.notFound` for an unknown patient; `IntegrationError` from the adapter
    ///   when the provider gave no usable answer (its own kind: retryable, permanent,
    ///   misconfigured); `IntegrationError(.retryable)` with provider code `malformed` or
    ///   `refused` for an answer that cannot be used, so an outbox job retries it and finally
    ///   dead-letters it with that reason. Every failure is recorded before it is thrown.
    public func complete<Value: Sendable>(_ request: Request, in context: RequestContext,
                                          validate: (JSONValue) throws -> Value) async throws -> Answer<Value> {
        let scope = context.scope
        guard let patient = try await scope.find(Patient.self, request.patientID), patient.deletedAt == nil else {
            throw AppError.notFound("Patient not found")
        }
        guard request.text.count <= Self.maxTextLength else { throw AppError.payloadTooLarge }
        // The patient's key: it opens their identifiers and seals the exchange, which is about them.
        let cipher = try await keyring.cipher(forPatient: request.patientID, tenantID: scope.tenantID, on: scope.db)
        let redacted = Deidentifier(try Deidentifier.Identity(patient: patient, cipher: cipher)).redact(request.text)
        let llm = try await llms.llm(forTenant: scope.tenantID)
        let exchangeID = TimeOrderedID.make()
        let prompt = LLMExchange.Prompt(instructions: request.instructions, text: redacted.text, schemaName: request.schemaName)
        let sent = LLMRequest(system: request.instructions, user: redacted.text, schema: request.schema, schemaName: request.schemaName)

        let raw: JSONValue
        do {
            raw = try await llm.client.complete(sent, idempotencyKey: request.idempotencyKey ?? exchangeID.lowercasedString).value
        } catch let error as IntegrationError {
            let outcome = Self.outcome(of: error)
            try await record(exchangeID, request, llm: llm, prompt: prompt, answer: nil, outcome: outcome,
                             reason: error.description, cipher: cipher, in: context)
            // An answer the provider itself refused to hand over as valid is worth another try,
            // like one our own rules refuse; transport and credential errors keep their kind.
            if error.kind == .invalidResponse { throw Self.unusable(outcome, adapter: llm.adapter, reason: error.message) }
            throw error
        } catch {
            try await record(exchangeID, request, llm: llm, prompt: prompt, answer: nil, outcome: .error,
                             reason: "\(type(of: error))", cipher: cipher, in: context)
            throw error
        }

        let value: Value
        do {
            value = try validate(redacted.restore(raw))
        } catch {
            let reason = String(describing: error)
            try await record(exchangeID, request, llm: llm, prompt: prompt, answer: raw, outcome: .malformed, reason: reason,
                             cipher: cipher, in: context)
            throw Self.unusable(.malformed, adapter: llm.adapter, reason: reason)
        }
        try await record(exchangeID, request, llm: llm, prompt: prompt, answer: raw, outcome: .ok, reason: nil, cipher: cipher,
                         in: context)
        return Answer(value: value, exchangeID: exchangeID, adapter: llm.adapter)
    }

    /// The row and its audit event, together or not at all.
    private func record(_ id: UUID, _ request: Request, llm: TenantLLM, prompt: LLMExchange.Prompt, answer: JSONValue?,
                        outcome: LLMOutcome, reason: String?, cipher: FieldCipher, in context: RequestContext) async throws {
        let row = LLMExchange(id: id, tenantID: context.tenantID, patientID: request.patientID, purpose: request.purpose,
                              adapter: llm.adapter, promptSealed: try cipher.seal(prompt),
                              answerSealed: try answer.map { try cipher.seal($0) }, outcome: outcome,
                              errorReason: reason.map { String($0.prefix(Self.maxReasonLength)) })
        let audit = self.audit
        // Bookkeeping, not the request's effect: after an unusable answer a keyed retry asks again.
        try await context.scope.withoutEffectMark.transaction { scope in
            try await scope.create(row)
            try await audit.append(
                AuditRecord(tenantID: context.tenantID, actor: context.principal.auditActor, action: .llmRequest,
                            outcome: outcome == .ok ? .success : .failure, targetType: "llm_exchange",
                            targetID: id.lowercasedString,
                            details: ["patient_id": request.patientID.lowercasedString, "purpose": request.purpose.rawValue,
                                      "adapter": llm.adapter, "outcome": outcome.rawValue]),
                origin: context.origin, on: scope.db)
        }
    }

    static func outcome(of error: IntegrationError) -> LLMOutcome {
        guard error.kind == .invalidResponse else { return .error }
        return error.providerCode == "refusal" ? .refused : .malformed
    }

    /// An answer that cannot be used: retryable, so the outbox tries again and then dead-letters.
    static func unusable(_ outcome: LLMOutcome, adapter: String, reason: String) -> IntegrationError {
        IntegrationError(.retryable, provider: adapter, providerCode: outcome.rawValue,
                         message: String(reason.prefix(maxReasonLength)))
    }
}
