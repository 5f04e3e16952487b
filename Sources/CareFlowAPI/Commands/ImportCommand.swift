import CareFlowCore
import CareFlowModels
import Fluent
import Vapor

/// `careflow import patients|staff --tenant SLUG --facility ID FILE.csv`
struct ImportCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["patients": Patients(), "staff": Staff()]
    var help: String { "Import a facility's patients or staff from CSV" }

    struct Signature: CommandSignature {
        @Option(name: "tenant") var tenant: String?
        @Option(name: "facility", help: "Facility id (UUID) or code") var facility: String?
        @Option(name: "batch-size") var batchSize: Int?
        @Flag(name: "dry-run", help: "Validate and report only") var dryRun: Bool
        @Argument(name: "file") var file: String
    }

    /// Resolves tenant and facility and parses the file.
    static func prepare(_ signature: Signature, app: Application) async throws -> (Tenant, Facility, CSVTable) {
        guard let slug = signature.tenant, let facilityRef = signature.facility else { throw CLIError("--tenant and --facility are required") }
        guard let tenant = try await Tenant.find(slug: slug, on: app.db) else { throw CLIError("no tenant \(slug)") }
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        var facility: Facility? = nil
        if let id = UUID(uuidString: facilityRef) { facility = try await scope.find(Facility.self, id) }
        if facility == nil { facility = try await scope.query(Facility.self).filter(\.$code == facilityRef).first() }
        guard let facility else { throw CLIError("no facility \(facilityRef) in \(slug)") }
        guard let text = try? String(contentsOfFile: signature.file, encoding: .utf8) else { throw CLIError("cannot read \(signature.file) as UTF-8") }
        do {
            return (tenant, facility, try CSVTable(text: text))
        } catch {
            throw CLIError("\(signature.file): \(error)")
        }
    }

    static func printProblems(_ problems: [PatientImport.Problem], console: any Console) {
        for p in problems.sorted(by: { $0.line < $1.line }) {
            console.output("line \(p.line): \(p.reasons.joined(separator: "; "))".consoleText(.warning))
        }
    }

    struct Patients: AsyncCommand {
        var help: String { "Validate every row, report bad ones, import the good ones (re-runs add no duplicates)" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let (tenant, facility, table) = try await ImportCommand.prepare(signature, app: app)
            let (good, bad) = PatientImport.validate(table, facilityID: facility.id!)
            context.console.print("\(table.rows.count) rows: \(good.count) valid, \(bad.count) with problems")
            ImportCommand.printProblems(bad, console: context.console)
            guard !signature.dryRun else { return }
            let bar = ProgressPrinter(console: context.console)
            let result = try await PatientImport.run(good, tenantID: tenant.id!, services: app.services, db: app.db,
                                                     batchSize: signature.batchSize ?? 100) { done, total in
                bar.show(label: "patients", done: done, total: total)
            }
            bar.finish()
            context.console.print("imported \(result.imported), already present \(result.alreadyPresent), rejected \(bad.count)")
            try await app.services.audit.append(
                AuditRecord(tenantID: tenant.id, facilityID: facility.id, actor: .system, action: .importPatients,
                            details: ["imported": String(result.imported), "already_present": String(result.alreadyPresent),
                                      "rejected": String(bad.count)]),
                origin: .none, on: app.db)
        }
    }

    struct Staff: AsyncCommand {
        var help: String { "Invite staff from CSV (email, display_name, roles separated by ';')" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let (tenant, facility, table) = try await ImportCommand.prepare(signature, app: app)
            var good: [(Int, String, String?, [Role])] = []
            var bad: [PatientImport.Problem] = []
            for row in table.rows {
                var reasons: [String] = []
                let email = row.values["email"]?.lowercased()
                if email?.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) == nil { reasons.append("email: must be an email address") }
                let roleNames = (row.values["roles"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                let roles = roleNames.compactMap(Role.init(rawValue:))
                if roles.isEmpty || roles.count != roleNames.count { reasons.append("roles: must list roles such as doctor;nurse") }
                let refused = RoleGrantPolicy.refused(roles, by: .system(tenantID: tenant.id!), at: facility.id!)
                if !refused.isEmpty { reasons.append("roles: cannot be granted by import: " + refused.map(\.rawValue).joined(separator: ", ")) }
                if reasons.isEmpty { good.append((row.line, email!, row.values["display_name"], roles)) }
                else { bad.append(PatientImport.Problem(line: row.line, reasons: reasons)) }
            }
            context.console.print("\(table.rows.count) rows: \(good.count) valid, \(bad.count) with problems")
            ImportCommand.printProblems(bad, console: context.console)
            guard !signature.dryRun else { return }
            let importer = RequestContext(scope: TenantScope(tenantID: tenant.id!, db: app.db), principal: .system(tenantID: tenant.id!),
                                          origin: RequestOrigin(requestID: "import"))
            var invited = 0
            for (_, email, name, roles) in good {
                let member = try await app.services.staff.invite(email: email, displayName: name, roles: roles, facilityID: facility.id!,
                                                                 tenant: tenant, in: importer)
                if member.user.status == .invited { invited += 1 }
            }
            context.console.print("processed \(good.count) staff (\(invited) awaiting their invitation), rejected \(bad.count)")
        }
    }
}

