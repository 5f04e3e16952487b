import CareFlowCore
import Fluent
import Vapor

/// `careflow bench seed-patients --tenant SLUG --count N`: synthetic patients for load tests,
/// registered through the real service (sealed fields, blind indexes, MRNs), N per tenant.
/// Prints nothing identifying; the MRNs and names it used are written to `--out` for wrk.
struct SeedPatients: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tenant") var tenant: String?
        @Option(name: "count") var count: Int?
        @Option(name: "out", help: "File receiving one 'mrn,family_name' line per patient") var out: String?
    }

    var help: String { "Register N synthetic patients in a tenant (load tests only)" }

    static let given = ["Aline", "Eric", "Claudine", "Jean", "Diane", "Patrick", "Grace", "Emmanuel", "Chantal", "Olivier"]
    static let family = ["Uwase", "Mugabo", "Ingabire", "Habimana", "Mukamana", "Niyonzima", "Uwimana", "Nshimiyimana",
                         "Mutesi", "Bizimana", "Iradukunda", "Kayitesi", "Ndayisaba", "Umutoni", "Hakizimana"]

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let slug = signature.tenant, let count = signature.count, count > 0 else { throw CLIError("--tenant and --count are required") }
        guard let tenant = try await Tenant.query(on: app.db).filter(\.$slug == slug).first() else { throw CLIError("no tenant \(slug)") }
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        let facilities = try await scope.query(Facility.self).all()
        let system = Principal.system(tenantID: tenant.id!)
        let bar = ProgressPrinter(console: context.console)
        var lines: [String] = []
        var rng = SystemRandomNumberGenerator()
        for i in 0..<count {
            let family = "\(Self.family[i % Self.family.count])\(i / Self.family.count)"
            let input = PatientInput(
                givenName: Self.given[Int.random(in: 0..<Self.given.count, using: &rng)], familyName: family,
                birthDate: String(format: "%04d-%02d-%02d", Int.random(in: 1930...2020, using: &rng), Int.random(in: 1...12, using: &rng),
                                  Int.random(in: 1...28, using: &rng)),
                sex: Bool.random(using: &rng) ? .female : .male, phone: String(format: "+2507%08d", i),
                nationalID: "\(slug)-\(i)", homeFacilityID: facilities.randomElement(using: &rng)?.id,
                conditions: i % 5 == 0 ? [ConditionInput(code: "I10", note: nil)] : [])
            let view = try await app.services.patients.register(input, in: scope, by: system, origin: RequestOrigin(requestID: "seed"))
            lines.append("\(view.mrn),\(family)")
            if i % 200 == 0 || i == count - 1 { bar.show(label: "patients", done: i + 1, total: count) }
        }
        bar.finish()
        if let out = signature.out {
            try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
    }
}
