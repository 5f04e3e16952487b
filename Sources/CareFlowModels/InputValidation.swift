/// Per-field checks of a prediction request, before it reaches the model, so the API can answer
/// with one problem+json entry per bad field. Values outside a feature's plausible range are
/// refused here; values inside it but outside the training range are accepted and flagged by the
/// predictor as extrapolated.
public struct InputProblem: Sendable, Equatable, Codable {
    public let field: String
    public let reason: String
}

extension ModelFile {
    /// Problems with `inputs`, in feature order (unknown fields last). Fields in `required` must be
    /// present and not null; every other feature may be absent and is then imputed.
    public func validate(_ inputs: [String: FeatureValue], required: Set<String> = []) -> [InputProblem] {
        var problems: [InputProblem] = []
        for feature in features {
            let value = inputs[feature.name] ?? .missing
            switch (feature.kind, value) {
            case (_, .missing):
                if required.contains(feature.name) { problems.append(.init(field: feature.name, reason: "is required")) }
            case (.numeric, .category):
                problems.append(.init(field: feature.name, reason: "must be a number"))
            case (.numeric, .number(let number)):
                if !number.isFinite {
                    problems.append(.init(field: feature.name, reason: "must be a finite number"))
                } else if let low = feature.plausibleMin, number < low {
                    problems.append(.init(field: feature.name, reason: "must be at least \(Self.format(low)) (\(feature.description))"))
                } else if let high = feature.plausibleMax, number > high {
                    problems.append(.init(field: feature.name, reason: "must be at most \(Self.format(high)) (\(feature.description))"))
                }
            case (.categorical, .number(let code)):
                if !code.isFinite { problems.append(.init(field: feature.name, reason: "must be a finite number")) }
            case (.categorical, .category(let text)):
                if text.isEmpty { problems.append(.init(field: feature.name, reason: "must not be empty")) }
            }
        }
        let known = Set(features.map(\.name))
        for name in inputs.keys.sorted() where !known.contains(name) {
            problems.append(.init(field: name, reason: "is not an input of model \(self.name)"))
        }
        return problems
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }
}
