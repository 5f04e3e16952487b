import CareFlowCore
import CareFlowModels

// The prediction request bodies are the models' own inputs, so their schemas are read off the
// model catalogue (names, kinds, plausible ranges) the predictor validates against rather than
// written beside it.
extension OpenAPISchemas {
    /// One schema per shipped model, named `<Model>Inputs` (e.g. `HealthRiskInputs`), the seed's
    /// `HealthRiskRequest`, and `PredictionRequest`: any model's inputs plus `patient_id`.
    static var predictionRequests: [String: JSONValue] {
        var schemas: [String: JSONValue] = [:]
        for model in ModelCatalog.all { schemas[inputsSchemaName(model)] = inputs(model, required: []) }
        schemas["HealthRiskRequest"] = inputs(ModelCatalog.healthRisk, required: ModelCatalog.healthRisk.features.map(\.name))
        schemas["PredictionRequest"] = .object([
            "description": .string("The inputs of the model named in the path (absent or null = imputed), plus an optional patient_id "
                                   + "that stores the result on the patient's record"),
            "anyOf": .array(ModelCatalog.all.map { ref(inputsSchemaName($0)) }),
            "properties": .object(["patient_id": type("string", format: "uuid")]),
        ])
        return schemas
    }

    static func inputsSchemaName(_ model: ModelDefinition) -> String {
        model.name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Inputs"
    }

    /// A model's features: numbers within their plausible range, or for a categorical feature a
    /// code given as a string or a number; `null` asks for imputation.
    private static func inputs(_ model: ModelDefinition, required: [String]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for feature in model.features {
            var schema: [String: JSONValue] = ["description": .string(feature.description)]
            switch feature.kind {
            case .numeric:
                schema["type"] = required.contains(feature.name) ? .string("number") : .array([.string("number"), .string("null")])
                if let low = feature.plausibleMin { schema["minimum"] = .number(low) }
                if let high = feature.plausibleMax { schema["maximum"] = .number(high) }
            case .categorical:
                schema["type"] = .array([.string("string"), .string("number"), .string("null")])
            }
            properties[feature.name] = .object(schema)
        }
        var object: [String: JSONValue] = ["type": .string("object"), "description": .string(model.title), "properties": .object(properties)]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        return .object(object)
    }
}
