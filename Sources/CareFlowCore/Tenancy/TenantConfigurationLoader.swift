// Reading `tenants/<slug>.yaml` (PRODUCT.md §4): one file or a folder of them.
//
// The YAML is composed to a `Yams.Node` tree and checked by hand, so that every wrong key,
// wrong YAML type and invalid value is reported with its file, dotted field path and reason,
// and all problems of a file are reported at once. Secret references are checked for syntax
// and against the `TenantSecretPolicy` (allowed folder and names, where adapters may send them)
// here; they are resolved by whoever needs the secret. The other concerns live beside this
// file: the tenant's own fields (+TenantFields), its integrations against the installed
// adapters (+Integrations), YAML syntax errors (+YAMLErrors), writing a file (+Rendering) and
// the node checks they share (TenantFileChecker).

import Foundation
import Yams

public enum TenantConfigurationLoader {
    /// Parses and validates one tenant file.
    ///
    /// - Parameters:
    ///   - yaml: the file contents.
    ///   - fileName: the file as it should appear in errors (e.g. `tenants/kigali-health.yaml`);
    ///     its last path component without `.yaml` / `.yml` must equal the slug.
    ///   - policy: where secrets may come from and where adapters may send them.
    ///   - adapters: the adapters the installed plugins provide, with their settings.
    /// - Throws: `TenantConfigurationErrors` listing every problem found.
    public static func parse(yaml: String, fileName: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                             adapters: AdapterCatalog) throws -> TenantConfiguration {
        switch parseCollectingErrors(yaml: yaml, fileName: fileName, policy: policy, adapters: adapters) {
        case .success(let configuration): return configuration
        case .failure(let errors): throw errors
        }
    }

    /// Loads every `*.yaml` / `*.yml` file of a directory (hidden files are ignored), sorted by
    /// slug. Every problem of every file is reported in one `TenantConfigurationErrors`,
    /// including a slug defined by more than one file.
    public static func loadDirectory(_ path: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                                     adapters: AdapterCatalog) throws -> [TenantConfiguration] {
        let fileManager = FileManager.default
        let directory = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let entries: [String]
        do {
            entries = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw TenantConfigurationErrors([
                TenantConfigurationError(file: directory, field: "", reason: "cannot read the tenants directory"),
            ])
        }

        var errors: [TenantConfigurationError] = []
        var loaded: [(file: String, configuration: TenantConfiguration)] = []
        for entry in entries.sorted() where !entry.hasPrefix(".") && (entry.hasSuffix(".yaml") || entry.hasSuffix(".yml")) {
            let file = directory == "/" ? "/\(entry)" : "\(directory)/\(entry)"
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            guard let data = fileManager.contents(atPath: file) else {
                errors.append(TenantConfigurationError(file: file, field: "", reason: "cannot read the file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                errors.append(TenantConfigurationError(file: file, field: "", reason: "the file is not valid UTF-8"))
                continue
            }
            switch parseCollectingErrors(yaml: text, fileName: file, policy: policy, adapters: adapters) {
            case .success(let configuration): loaded.append((file, configuration))
            case .failure(let failure): errors.append(contentsOf: failure.errors)
            }
        }

        var firstFileBySlug: [String: String] = [:]
        for (file, configuration) in loaded {
            if let first = firstFileBySlug[configuration.slug] {
                errors.append(TenantConfigurationError(
                    file: file, field: "slug",
                    reason: "duplicate slug '\(configuration.slug)' (already defined in \(first))"))
            } else {
                firstFileBySlug[configuration.slug] = file
            }
        }

        guard errors.isEmpty else { throw TenantConfigurationErrors(errors) }
        return loaded.map(\.configuration).sorted { $0.slug < $1.slug }
    }

    static func parseCollectingErrors(yaml: String, fileName: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                                      adapters: AdapterCatalog) -> Result<TenantConfiguration, TenantConfigurationErrors> {
        var checker = TenantFileChecker(file: fileName, policy: policy, adapters: adapters)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            checker.fail("", syntaxErrorReason(error, yaml: yaml), line: syntaxErrorLine(error, yaml: yaml))
            return .failure(TenantConfigurationErrors(checker.errors))
        }
        guard let root else {
            checker.fail("", "the file is empty")
            return .failure(TenantConfigurationErrors(checker.errors))
        }
        let configuration = parseTenant(root, fileName: fileName, checker: &checker)
        if let configuration, checker.errors.isEmpty {
            return .success(configuration)
        }
        return .failure(TenantConfigurationErrors(checker.errors))
    }
}
