import FluentKit
import Foundation

/// Turns a visit note into care steps (issue 13), run by the outbox worker for
/// `.extractSteps`, never inside the request that wrote the note. The tenant's LLM extracts when
/// it has one (`StepExtractionLLM`), otherwise `RuleBasedStepExtractor`. The new steps are
/// stored in one transaction with the cancelling of the patient's still-open steps from earlier
/// notes (`superseded_by` = this note), so the patient is never without steps in between.
public struct StepExtractionJob: Sendable {
    let keyring: Keyring
    let audit: AuditLog
    let llm: (any StepExtractionLLM)?
    let calendar: @Sendable (UUID) async throws -> StepCalendar
    let rules = RuleBasedStepExtractor()

    /// - Parameters:
    ///   - llm: `nil` when no tenant has an LLM path (the rules then extract for everyone).
    ///   - calendar: the tenant's zone and quiet hours, by tenant id.
    public init(keyring: Keyring, audit: AuditLog, llm: (any StepExtractionLLM)?,
                calendar: @escaping @Sendable (UUID) async throws -> StepCalendar) {
        self.keyring = keyring
        self.audit = audit
        self.llm = llm
        self.calendar = calendar
    }

    /// The outbox payload of a new note, queued in the note's own transaction (`scope` is its).
    public static func enqueue(noteID: UUID, patientID: UUID, on outbox: Outbox, in scope: TenantScope) async throws {
        try await outbox.enqueue(.extractSteps(noteID: noteID, patientID: patientID), in: scope)
    }

    /// Extracts and stores the steps of one note. What the worker records as delivered: the
    /// extractor (`llm` or `rules`) and how many steps.
    /// - Throws: a permanent `IntegrationError` when the note or patient is gone (nothing to do,
    ///   ever); the LLM's errors as they are.
    public func run(noteID: UUID, patientID: UUID, idempotencyKey: String, at now: Date = Date(),
                    in scope: TenantScope) async throws -> DeliveryReceipt {
        guard let note = try await scope.find(VisitNote.self, noteID), note.patientID == patientID, note.deletedAt == nil,
              let patient = try await scope.find(Patient.self, patientID), patient.deletedAt == nil else {
            throw IntegrationError(.permanent, provider: "steps", message: "the visit note or its patient no longer exists")
        }
        // The patient's key opens the note and seals the steps drawn from it.
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        let body: String = try cipher.open(note.bodySealed)
        let context = RequestContext(scope: scope, principal: .system(tenantID: scope.tenantID), origin: .none)
        let extracted: ExtractedSteps, source: CareStep.Source
        if let llm, let answer = try await llm.steps(fromNote: body, patientID: patientID, idempotencyKey: idempotencyKey, in: context) {
            (extracted, source) = (answer, .llm)
        } else {
            (extracted, source) = (rules.extract(from: body), .rules)
        }
        let calendar = try await calendar(scope.tenantID)
        let stored = try await store(extracted, source: source, noteID: noteID, patient: patient, calendar: calendar, now: now,
                                     cipher: cipher, in: scope)
        return DeliveryReceipt(provider: source.rawValue, providerMessageID: nil, status: "\(stored) steps")
    }

    /// Writes the steps and supersedes the earlier notes' open ones, all or nothing. Returns how
    /// many steps were written (none when this note's steps exist already: a worker that died
    /// after committing left its row to be run again).
    func store(_ extracted: ExtractedSteps, source: CareStep.Source, noteID: UUID, patient: Patient, calendar: StepCalendar,
               now: Date, cipher: FieldCipher, in scope: TenantScope) async throws -> Int {
        let patientID = try patient.requireID()
        let steps = try makeSteps(extracted, source: source, noteID: noteID, patientID: patientID, calendar: calendar, now: now,
                                  cipher: cipher)
        let audit = self.audit
        return try await scope.writeTransaction { tx -> Int in
            guard try await tx.query(CareStep.self).filter(\.$noteID == noteID).count() == 0 else { return 0 }
            // Note ids are time-ordered: a smaller id is an earlier note. A later note whose
            // steps were stored first (its job ran before this one's retry) supersedes these.
            let later = try await tx.query(CareStep.self).filter(\.$patientID == patientID).filter(\.$noteID > noteID)
                .sort(\.$noteID, .descending).first()?.noteID
            let superseded = try await tx.query(CareStep.self).filter(\.$patientID == patientID).filter(\.$status == .open)
                .filter(\.$noteID < noteID).all()
            for step in superseded {
                step.status = .cancelled
                step.supersededBy = noteID
                try await tx.update(step)
            }
            for step in steps {
                if let later {
                    step.status = .cancelled
                    step.supersededBy = later
                }
                try await tx.create(step)
            }
            try await audit.append(
                AuditRecord(tenantID: scope.tenantID, facilityID: patient.homeFacilityID, actor: .system, action: .careStepsCreate,
                            targetType: "visit_note", targetID: noteID.lowercasedString,
                            details: ["patient_id": patientID.lowercasedString, "source": source.rawValue,
                                      "steps": String(steps.count), "superseded": String(superseded.count)]),
                origin: .none, on: tx.db)
            return steps.count
        }
    }

    private func makeSteps(_ extracted: ExtractedSteps, source: CareStep.Source, noteID: UUID, patientID: UUID,
                           calendar: StepCalendar, now: Date, cipher: FieldCipher) throws -> [CareStep] {
        var made = 0
        func step(_ kind: CareStep.Kind, title: String, detail: String?) throws -> CareStep {
            let step = CareStep()
            // One millisecond apart, so ascending ids keep the note's order (the order a reminder
            // lists open plan steps in, and `DONE 2` counts in).
            step.id = TimeOrderedID.make(at: now.addingTimeInterval(Double(made) / 1000))
            made += 1
            step.patientID = patientID
            step.noteID = noteID
            step.kind = kind
            step.titleSealed = try cipher.seal(title)
            step.detailSealed = try detail.map { try cipher.seal($0) }
            step.timeZone = calendar.zoneName
            step.status = .open
            step.source = source
            return step
        }
        var steps = try extracted.checklist.map { try step(.checklist, title: $0.title, detail: $0.detail) }
        for item in extracted.plan {
            let schedule = ReminderSchedule(item: item, created: now, zone: calendar.zone, quiet: calendar.quiet)
            let planned = try step(.plan, title: item.title, detail: item.detail)
            planned.timesPerDay = item.timesPerDay
            planned.clocksText = schedule.clocks.map(\.description).joined(separator: ",")
            planned.firstDayText = schedule.firstDay.description
            planned.durationDays = schedule.durationDays
            steps.append(planned)
        }
        return steps
    }
}
