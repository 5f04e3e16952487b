import CareFlowCore
import Fluent
import Vapor

/// `careflow bench seed-schedule --tenant SLUG --doctors N --days D --out FILE`: doctors with
/// round-the-clock 15-minute availability at the demo receptionist's facility, for the booking
/// load test. Every bookable slot of the next D days is written to `--out` as
/// `doctor_id,facility_id,patient_id,starts_at` so wrk can book each one exactly once.
/// Registers through the real services; load tests only.
struct SeedSchedule: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tenant") var tenant: String?
        @Option(name: "doctors") var doctors: Int?
        @Option(name: "days") var days: Int?
        @Option(name: "out", help: "File receiving one 'doctor_id,facility_id,patient_id,starts_at' line per slot") var out: String?
    }

    var help: String { "Create N doctors with full-day schedules and list their free slots (load tests only)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let slug = signature.tenant, let out = signature.out else { throw CLIError("--tenant and --out are required") }
        let doctorCount = signature.doctors ?? 20, days = signature.days ?? 30
        guard (1...500).contains(doctorCount), (1...365).contains(days) else { throw CLIError("--doctors 1…500, --days 1…365") }
        guard let tenant = try await Tenant.find(slug: slug, on: app.db) else { throw CLIError("no tenant \(slug)") }
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        // The facility of the demo receptionist, who books in the benchmark.
        guard let desk = try await scope.query(RoleAssignment.self).filter(\.$role == .receptionist).first(),
              let facilityID = desk.facilityID, let facility = try await scope.find(Facility.self, facilityID)
        else { throw CLIError("tenant \(slug) has no receptionist at a facility (is it a demo tenant?)") }
        let patientIDs = try await scope.query(Patient.self).filter(\.$deletedAt == nil).limit(1000).all(\.$id)
        guard !patientIDs.isEmpty else { throw CLIError("tenant \(slug) has no patients: run `careflow bench seed-patients` first") }

        let system = Principal.system(tenantID: tenant.id!)
        let origin = RequestOrigin(requestID: "seed-schedule")
        let directory = UserDirectory(scope: scope, cipher: try await app.services.keyring.cipher(forTenant: tenant.id!, on: app.db))
        let allDay = (1...7).map { AvailabilityWindow(weekday: $0, startMinute: 0, endMinute: 1440, slotMinutes: 15) }
        var doctors: [UUID] = []
        for i in 0..<doctorCount {
            let user = try await directory.create(email: "bench-doctor-\(i)-\(UUID().uuidString.prefix(8))@\(slug).bench".lowercased(),
                                                  displayName: "Bench Doctor \(i)", status: .active)
            try await scope.create(RoleAssignment(tenantID: tenant.id!, userID: user.id!, role: .doctor, facilityID: facilityID, grantedBy: nil))
            _ = try await app.services.availability.replaceWeekly(doctorID: user.id!, facilityID: facilityID, windows: allDay,
                                                                  in: RequestContext(scope: scope, principal: system, origin: origin))
            doctors.append(user.id!)
        }

        // Slots start tomorrow (local time) so none is in the past while the benchmark runs.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: facility.timezone) ?? .gmt
        let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: Date()))!
        let formatter = ISO8601DateFormatter()
        var lines: [String] = []
        lines.reserveCapacity(doctorCount * days * 96)
        var n = 0
        for day in 0..<days {
            let midnight = calendar.date(byAdding: .day, value: day, to: tomorrow)!
            let next = calendar.date(byAdding: .day, value: 1, to: midnight)!
            var start = midnight
            while start < next {
                for doctor in doctors {
                    let patient = patientIDs[n % patientIDs.count]
                    lines.append("\(doctor.lowercasedString),\(facilityID.lowercasedString),\(patient.lowercasedString),\(formatter.string(from: start))")
                    n += 1
                }
                start = start.addingTimeInterval(15 * 60)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        context.console.print("\(doctorCount) doctors, \(lines.count) free slots at \(facility.code)")
    }
}
