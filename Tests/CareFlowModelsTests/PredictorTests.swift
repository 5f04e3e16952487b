import CareFlowModels
import Foundation
import Testing

@Suite("Predictor")
struct PredictorTests {
    private func shipped(_ name: String) throws -> Predictor {
        try Predictor(model: ModelFile.load(from: PackagePaths.models.appendingPathComponent("\(name)@1.json")))
    }

    @Test("the seed's published health-risk request gives a probability with contributions")
    func healthRiskSeedRequest() throws {
        let predictor = try shipped("health-risk")
        let prediction = try predictor.predict(["age": 45, "bmi": 29.5, "blood_pressure": 135, "cholesterol": 220])
        #expect(prediction.probability > 0.03 && prediction.probability < 0.3)
        #expect(prediction.contributions.map(\.feature) == ["age", "bmi", "blood_pressure", "cholesterol"])
        #expect(!prediction.extrapolated && prediction.imputedFeatures.isEmpty)
        let lr = predictor.model.logisticRegression!
        let sum = lr.intercept + prediction.contributions.map(\.logOdds).reduce(0, +)
        #expect(abs(sum - prediction.logit) < 1e-12)
        // Older and more hypertensive means higher risk.
        let older = try predictor.predict(["age": 65, "bmi": 29.5, "blood_pressure": 170, "cholesterol": 220])
        #expect(older.probability > prediction.probability)
        #expect(older.contributions[0].logOdds > prediction.contributions[0].logOdds)
    }

    @Test("inputs outside the training range are flagged; absent ones are imputed")
    func extrapolationAndImputation() throws {
        let predictor = try shipped("health-risk")
        let outside = try predictor.predict(["age": 95, "bmi": 29.5, "blood_pressure": 135, "cholesterol": 220])
        #expect(outside.extrapolated && outside.extrapolatedFeatures == ["age"])
        let partial = try predictor.predict(["age": 50, "bmi": nil, "blood_pressure": 120])
        #expect(partial.imputedFeatures == ["bmi", "cholesterol"])
        #expect(partial.probability > 0 && partial.probability < 1)
    }

    @Test("unknown inputs and non-finite numbers are refused")
    func badInputs() throws {
        let predictor = try shipped("health-risk")
        #expect(throws: PredictionError.unknownFeature("weight")) { try predictor.predict(["age": 50, "weight": 80]) }
        #expect(throws: PredictionError.nonFiniteValue(feature: "age")) { try predictor.predict(["age": .infinity]) }
        #expect(throws: PredictionError.notANumber(feature: "age")) {
            try predictor.predict(["age": FeatureValue.category("old")])
        }
    }

    @Test("categorical codes are accepted as numbers or text", arguments: ["heart-disease", "readmission-30d"])
    func categoricalInputs(name: String) throws {
        let predictor = try shipped(name)
        if name == "heart-disease" {
            let asNumber = try predictor.predict(["chest_pain_type": 4, "thal": 7, "age": 60, "sex": 1])
            let asText = try predictor.predict(["chest_pain_type": .category("4"), "thal": .category("7"),
                                                "age": .number(60), "sex": .number(1)])
            #expect(asNumber == asText)
        } else {
            let prediction = try predictor.predict(["race": .category("Caucasian"), "a1c_result": .category(">8"),
                                                    "number_inpatient": .number(3), "discharge_disposition_id": .number(1)])
            #expect(prediction.contributions.count == 19)
            let sum = predictor.model.gradientBoosting!.baseline
                + predictor.model.gradientBoosting!.trees.map { $0.value[0] }.reduce(0, +)
                + prediction.contributions.map(\.logOdds).reduce(0, +)
            #expect(abs(sum - prediction.logit) < 1e-9)
        }
    }

    @Test("a single-row prediction equals the batch pipeline used in training", arguments: ModelCatalog.all.map(\.name))
    func agreesWithBatchPipeline(name: String) throws {
        let predictor = try shipped(name)
        let data = data(name)
        let rows = Array(stride(from: 0, to: data.rowCount, by: max(1, data.rowCount / 300)))
        let batch = predictor.model.fittedLearner!.logits(predictor.model.preprocessing.transform(data, rows: rows))
        for (position, row) in rows.enumerated() {
            var inputs: [String: FeatureValue] = [:]
            for (feature, column) in zip(data.features, data.columns) {
                switch column {
                case .numeric(let values): inputs[feature.name] = values[row].isNaN ? .missing : .number(values[row])
                case .categorical(let values): inputs[feature.name] = .category(values[row])
                }
            }
            let single = try predictor.predict(inputs)
            #expect(abs(single.logit - batch[position]) < 1e-9)
        }
    }
}

@Suite("Predictor, unseen categories")
struct UnseenCategoryTests {
    @Test("a category code never seen in training is flagged as extrapolated")
    func unseenCode() throws {
        let predictor = try Predictor(model: ModelFile.load(from: PackagePaths.models.appendingPathComponent("heart-disease@1.json")))
        let seen = try predictor.predict(["chest_pain_type": 4, "thal": 7])
        #expect(!seen.extrapolated)
        let unseen = try predictor.predict(["chest_pain_type": 9, "thal": 7])
        #expect(unseen.extrapolatedFeatures == ["chest_pain_type"])
    }
}
