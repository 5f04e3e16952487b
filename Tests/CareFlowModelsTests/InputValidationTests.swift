import CareFlowModels
import Foundation
import Testing

@Suite("Input validation")
struct InputValidationTests {
    let model: ModelFile

    init() throws {
        model = try ModelFile.load(from: PackagePaths.models.appendingPathComponent("health-risk@1.json"))
    }

    @Test("the seed's published request is valid")
    func seedRequestIsValid() {
        let request: [String: FeatureValue] = ["age": .number(45), "bmi": .number(29.5), "blood_pressure": .number(135), "cholesterol": .number(220)]
        #expect(model.validate(request, required: Set(model.features.map(\.name))).isEmpty)
    }

    @Test("each bad field is named once, with why")
    func namesEachBadField() {
        let problems = model.validate(
            ["age": .number(-3), "bmi": .category("fat"), "blood_pressure": .number(900), "height": .number(180)],
            required: ["age", "cholesterol"])
        #expect(problems.map(\.field) == ["age", "bmi", "blood_pressure", "cholesterol", "height"])
        #expect(problems[0].reason.hasPrefix("must be at least 18"))
        #expect(problems[1].reason == "must be a number")
        #expect(problems[2].reason.hasPrefix("must be at most 300"))
        #expect(problems[3].reason == "is required")
        #expect(problems[4].reason == "is not an input of model health-risk")
    }
}
