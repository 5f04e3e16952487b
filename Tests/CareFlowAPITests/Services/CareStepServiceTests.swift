@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing

/// The extraction job and the check-in service without HTTP (issue 13): what the reminders'
/// SMS `DONE` path calls (no signed-in caller), a plan step done on its last day, a day checked
/// in once, open plan steps oldest first, and superseding when jobs run out of order.
@Suite("Care steps, without HTTP")
struct CareStepServiceTests {
    static func job(_ bed: ServiceTestBed) -> StepExtractionJob {
        StepExtractionJob(keyring: bed.services.keyring, audit: bed.services.audit, llm: nil,
                          calendar: { _ in StepCalendar(NamedTimeZone(configured: "Africa/Kigali")) })
    }

    /// A patient without an account, and a note of theirs written `minutesAgo` ago.
    static func patient(_ bed: ServiceTestBed, _ tenantID: UUID, facility: Facility) async throws -> UUID {
        let scope = bed.scope(tenantID)
        let view = try await bed.services.patients.register(
            PatientInput(givenName: "Aline", familyName: "Uwase", birthDate: "1988-04-12", sex: .female, homeFacilityID: facility.id),
            in: RequestContext(scope: scope, principal: .system(tenantID: tenantID), origin: .none))
        return try view.patient.requireID()
    }

    static func note(_ bed: ServiceTestBed, _ tenantID: UUID, patientID: UUID, author: UUID, _ text: String) async throws -> UUID {
        let cipher = try await bed.services.keyring.cipher(forPatient: patientID, tenantID: tenantID, on: bed.db)
        let note = VisitNote()
        note.id = TimeOrderedID.make()
        note.patientID = patientID
        note.authorID = author
        note.bodySealed = try cipher.seal(text)
        note.sharedWithPatient = false
        try await bed.scope(tenantID).create(note)
        // Distinct milliseconds: the next note's id is later.
        try await Task.sleep(for: .milliseconds(3))
        return note.id!
    }

    @Test("SMS check-in without a caller; a day once; a plan step is done when its last day is checked in; then 409",
          arguments: TestBackend.enabled)
    func checkInService(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, facility) = try await bed.tenant("checkin-svc")
            let tenantID = try tenant.requireID()
            let scope = bed.scope(tenantID)
            let patientID = try await Self.patient(bed, tenantID, facility: facility)
            let admin = try #require(try await User.query(on: bed.db).filter(\.$tenantID == tenantID).first()?.id)
            let noteID = try await Self.note(bed, tenantID, patientID: patientID, author: admin,
                                             "Start metformin 500 mg twice daily and atorvastatin 20 mg at night. Azithromycin 500mg PO OD x 3 days.")
            let receipt = try await Self.job(bed).run(noteID: noteID, patientID: patientID, idempotencyKey: "k", in: scope)
            #expect(receipt.provider == "rules" && receipt.status == "3 steps")

            // Oldest first is the note's order: what `DONE 2` counts in.
            let open = try await CareStep.openPlanSteps(patientID: patientID, in: scope)
            let cipher = try await bed.services.keyring.cipher(forPatient: patientID, tenantID: tenantID, on: bed.db)
            let titles = try open.map { try $0.title(with: cipher) }
            #expect(titles.count == 3)
            #expect(titles[0].contains("Metformin") && titles[1].contains("Atorvastatin") && titles[2].contains("Azithromycin"))
            let azithromycin = open[2]
            let schedule = try #require(azithromycin.schedule)
            #expect(schedule.durationDays == 3 && schedule.zone.identifier == "Africa/Kigali")

            let service = bed.services.careStepCheckIns
            let first = try await service.checkIn(stepID: azithromycin.id!, day: schedule.firstDay, channel: .sms, actor: nil, in: scope)
            #expect(first.recorded && first.step.status == .open && first.checkIn.actorID == nil && first.checkIn.channel == .sms)
            let again = try await service.checkIn(stepID: azithromycin.id!, day: schedule.firstDay, channel: .sms, actor: nil, in: scope)
            #expect(!again.recorded && again.checkIn.id == first.checkIn.id)
            #expect(try await scope.query(CareStepCheckIn.self).count() == 1)

            let last = try await service.checkIn(stepID: azithromycin.id!, day: schedule.lastDay, channel: .sms, actor: nil, in: scope)
            #expect(last.recorded && last.step.status == .done)
            #expect(try await CareStep.openPlanSteps(patientID: patientID, in: scope).count == 2)
            await #expect(throws: AppError.conflict("This care step is done")) {
                try await service.checkIn(stepID: azithromycin.id!, day: schedule.firstDay.next, channel: .sms, actor: nil, in: scope)
            }
            let events = try await AuditEvent.query(on: bed.db).filter(\.$action == AuditAction.careStepCheckIn.rawValue).all()
            #expect(events.count == 2 && events.allSatisfy { $0.actorKind == "system" && $0.details.contains(#""channel":"sms""#) })

            // Another tenant's scope cannot name the step.
            let (other, _) = try await bed.tenant("checkin-svc-b")
            await #expect(throws: AppError.notFound("Care step not found")) {
                try await service.checkIn(stepID: open[0].id!, channel: .sms, actor: nil, in: bed.scope(try other.requireID()))
            }
        }
    }

    @Test("jobs out of order: the later note's steps stay open, the earlier note's are stored cancelled; a rerun writes nothing",
          arguments: TestBackend.enabled)
    func outOfOrder(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, facility) = try await bed.tenant("order-svc")
            let tenantID = try tenant.requireID()
            let scope = bed.scope(tenantID)
            let patientID = try await Self.patient(bed, tenantID, facility: facility)
            let admin = try #require(try await User.query(on: bed.db).filter(\.$tenantID == tenantID).first()?.id)
            let earlier = try await Self.note(bed, tenantID, patientID: patientID, author: admin, "Sertraline 50 mg daily. Follow-up in 4 weeks.")
            let later = try await Self.note(bed, tenantID, patientID: patientID, author: admin, "Levothyroxine 50 mcg daily before breakfast.")
            let job = Self.job(bed)

            _ = try await job.run(noteID: later, patientID: patientID, idempotencyKey: "b", in: scope)
            _ = try await job.run(noteID: earlier, patientID: patientID, idempotencyKey: "a", in: scope)
            let steps = try await scope.query(CareStep.self).all()
            #expect(steps.filter { $0.noteID == later }.map(\.status) == [.open])
            let old = steps.filter { $0.noteID == earlier }
            #expect(old.count == 2 && old.allSatisfy { $0.status == .cancelled && $0.supersededBy == later })

            let rerun = try await job.run(noteID: later, patientID: patientID, idempotencyKey: "b", in: scope)
            #expect(rerun.status == "0 steps")
            #expect(try await scope.query(CareStep.self).count() == 3)
        }
    }

    @Test("a step stores the zone as the tenant file names it: UTC, not Foundation's GMT; an unknown zone is UTC")
    func zoneName() async throws {
        try await ServiceTestBed.with(.sqlite) { bed in
            let (tenant, facility) = try await bed.tenant("utc-zone")
            let tenantID = try tenant.requireID()
            let tenants = TenantDirectory(path: "", configurations: [TenantConfiguration(slug: "utc-zone", name: "U", timezone: "UTC")],
                                          adapters: bed.services.tenants.adapters)
            let job = StepExtractionJob(keyring: bed.services.keyring, audit: bed.services.audit, llm: nil,
                                        calendar: StepCalendars.resolver(tenants: tenants, db: bed.db))
            let patientID = try await Self.patient(bed, tenantID, facility: facility)
            let admin = try #require(try await User.query(on: bed.db).filter(\.$tenantID == tenantID).first()?.id)
            let noteID = try await Self.note(bed, tenantID, patientID: patientID, author: admin, "Start metformin 500 mg twice daily.")
            _ = try await job.run(noteID: noteID, patientID: patientID, idempotencyKey: "z", in: bed.scope(tenantID))
            let steps = try await bed.scope(tenantID).query(CareStep.self).all()
            #expect(!steps.isEmpty && steps.allSatisfy { $0.timeZone == "UTC" }, "\(steps.map(\.timeZone))")
            #expect(StepCalendar(NamedTimeZone(configured: "Mars/Olympus")).zoneName == "UTC")
            #expect(StepCalendar(NamedTimeZone(configured: "Africa/Kigali")).zoneName == "Africa/Kigali")
        }
    }
}
