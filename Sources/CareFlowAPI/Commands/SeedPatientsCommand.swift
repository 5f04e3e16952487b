import CareFlowCore
import Fluent
import Vapor

/// `careflow bench seed-patients --tenant SLUG --count N`: synthetic patients for load tests,
/// stored as registration stores them (sealed fields, blind indexes, MRNs from the tenant's
/// counter) but in batches of 1,000 per transaction, with one audit event for the whole load.
/// Prints nothing identifying; the MRNs and names it used are written to `--out` for wrk.
struct SeedPatients: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tenant") var tenant: String?
        @Option(name: "count") var count: Int?
        @Option(name: "out", help: "File receiving one 'mrn,family_name' line per patient") var out: String?
    }

    var help: String { "Load N synthetic patients into a tenant in batches (load tests only)" }

    static let given = ["Aline", "Eric", "Claudine", "Jean", "Diane", "Patrick", "Grace", "Emmanuel", "Chantal", "Olivier"]
    static let family = ["Uwase", "Mugabo", "Ingabire", "Habimana", "Mukamana", "Niyonzima", "Uwimana", "Nshimiyimana",
                         "Mutesi", "Bizimana", "Iradukunda", "Kayitesi", "Ndayisaba", "Umutoni", "Hakizimana"]

    /// Synthetic patient number `n` of a tenant: a unique family name and national id per
    /// number, so a second run continues the first instead of colliding with it.
    static func patient(_ n: Int, slug: String, facilities: [UUID]) -> PatientInput {
        var rng = SystemRandomNumberGenerator()
        return PatientInput(
            givenName: given[Int.random(in: 0..<given.count, using: &rng)], familyName: "\(family[n % family.count])\(n / family.count)",
            birthDate: String(format: "%04d-%02d-%02d", Int.random(in: 1930...2020, using: &rng), Int.random(in: 1...12, using: &rng),
                              Int.random(in: 1...28, using: &rng)),
            sex: Bool.random(using: &rng) ? .female : .male, phone: String(format: "+2507%08d", n),
            nationalID: "\(slug)-\(n)", homeFacilityID: facilities.randomElement(using: &rng),
            conditions: n % 5 == 0 ? [ConditionInput(code: "I10", note: nil)] : [])
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let slug = signature.tenant, let count = signature.count, count > 0 else { throw CLIError("--tenant and --count are required") }
        guard let tenant = try await Tenant.find(slug: slug, on: app.db) else { throw CLIError("no tenant \(slug)") }
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        let facilities = try await scope.query(Facility.self).all().compactMap(\.id)
        // Numbers continue after the tenant's existing patients.
        let start = try await scope.query(Patient.self).count()
        let out = try signature.out.map { path -> FileHandle in
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CLIError("cannot write \(path)") }
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        defer { try? out?.close() }
        let bar = ProgressPrinter(console: context.console)
        let loader = PatientBulkLoader(keyring: app.services.keyring, audit: app.services.audit)
        let began = ContinuousClock.now
        var done = 0
        try await loader.load(count: count, in: scope, origin: RequestOrigin(requestID: "seed"),
                              make: { Self.patient(start + $0, slug: slug, facilities: facilities) }) { batch in
            done += batch.count
            if let out {
                try out.write(contentsOf: Data(batch.map { "\($0.mrn),\($0.input.familyName)\n" }.joined().utf8))
            }
            bar.show(label: "patients", done: done, total: count)
        }
        bar.finish()
        let elapsed = (ContinuousClock.now - began).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        context.console.print(String(format: "seeded %d patients in %.1f s (%.0f patients/s)", done, seconds, Double(done) / max(seconds, 0.001)))
    }
}
