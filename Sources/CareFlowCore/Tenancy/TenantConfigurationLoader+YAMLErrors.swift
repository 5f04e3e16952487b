import Yams

/// A file that is not YAML at all: the reason and line as Yams reports them.
extension TenantConfigurationLoader {
    static func syntaxErrorLine(_ error: any Error, yaml: String) -> Int? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .reader(_, let offset?, _, _):
            return yaml.prefix(offset).reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        default:
            return nil
        }
    }

    static func syntaxErrorReason(_ error: any Error, yaml: String) -> String {
        guard let error = error as? YamlError else { return "invalid YAML: \(error)" }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(context)"
        case .reader(let problem, _, _, _):
            if let line = syntaxErrorLine(error, yaml: yaml) {
                return "invalid YAML at line \(line): \(problem)"
            }
            return "invalid YAML: \(problem)"
        default:
            return "invalid YAML: \(error)"
        }
    }
}
