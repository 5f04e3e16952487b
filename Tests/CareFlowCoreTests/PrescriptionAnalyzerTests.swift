@testable import CareFlowCore
import Foundation
import Testing

/// Issue 13: with `llm: none` the rule-based parser reads standard sig phrasing and says
/// `source: rules`. Expectations are what a pharmacist reads from each prescription.
@Suite("Rule-based prescription analysis (pure)")
struct PrescriptionAnalyzerTests {
    static func analyze(_ text: String) -> PrescriptionAnalysis { RuleBasedPrescriptionAnalyzer().analyze(text) }

    @Test("standard sig lines: name, dose, unit, route, frequency, duration")
    func sigLines() throws {
        let result = Self.analyze("""
            Rx:
            1. Amoxicillin 500 mg PO TID x 7 days
            2. Paracetamol 1 g orally every 6 hours as needed
            3. Salbutamol 100 mcg inhaled 2 puffs q4h prn
            4. Omeprazole 20mg OD for 4 weeks
            """)
        #expect(result.source == .rules)
        let byName = Dictionary(uniqueKeysWithValues: result.medications.map { ($0.name.lowercased(), $0) })
        let amoxicillin = try #require(byName["amoxicillin"])
        #expect(amoxicillin.dose == "500" && amoxicillin.unit == "mg" && amoxicillin.route == "oral")
        #expect(amoxicillin.frequency == "3 times a day" && amoxicillin.durationDays == 7)
        #expect(amoxicillin.warnings.isEmpty)
        let paracetamol = try #require(byName["paracetamol"])
        #expect(paracetamol.dose == "1" && paracetamol.unit == "g" && paracetamol.frequency == "as needed" && paracetamol.route == "oral")
        let omeprazole = try #require(byName["omeprazole"])
        #expect(omeprazole.frequency == "once a day" && omeprazole.durationDays == 28)
        #expect(byName["salbutamol"]?.route == "inhaled")
    }

    @Test("a label before the first medicine on a line is not part of its name")
    func labels() {
        let result = Self.analyze("Rx: Warfarin 5 mg PO OD. Meds: Ciprofloxacin 500 mg PO BID x 5 days.")
        #expect(result.medications.map(\.name) == ["Warfarin", "Ciprofloxacin"])
        #expect(result.interactions.map { Set($0.between) } == [["Warfarin", "Ciprofloxacin"]])
    }

    @Test("known interactions are reported once per pair with a severity")
    func interactions() {
        let result = Self.analyze("Warfarin 5 mg daily. Ibuprofen 400 mg three times a day for 5 days. Clarithromycin 500 mg twice daily for 7 days.")
        let pairs = result.interactions.map { Set($0.between.map { $0.lowercased() }) }
        #expect(pairs.contains(["warfarin", "ibuprofen"]))
        #expect(pairs.contains(["warfarin", "clarithromycin"]))
        #expect(result.interactions.allSatisfy { ["major", "moderate", "contraindicated"].contains($0.severity) })
        #expect(Set(pairs).count == pairs.count)
        let nitrates = Self.analyze("Sildenafil 50 mg as needed. Isosorbide mononitrate 30 mg once daily.")
        #expect(nitrates.interactions.first?.severity == "contraindicated")
        #expect(Self.analyze("Amlodipine 5 mg daily. Metformin 500 mg twice daily.").interactions.isEmpty)
    }

    @Test("warnings: missing frequency, antibiotic without duration, a daily dose over the usual maximum, duplicates")
    func warnings() throws {
        let result = Self.analyze("Ciprofloxacin 500 mg twice daily. Paracetamol 1000 mg 6 times a day. Metformin 850 mg. Metformin 850 mg bid.")
        let cipro = try #require(result.medications.first { $0.name == "Ciprofloxacin" })
        #expect(cipro.warnings.contains { $0.contains("without a duration") })
        let paracetamol = try #require(result.medications.first { $0.name == "Paracetamol" })
        #expect(paracetamol.warnings.contains { $0.contains("6000 mg") })
        let metformin = result.medications.filter { $0.name == "Metformin" }
        #expect(metformin.count == 2)
        #expect(metformin.allSatisfy { $0.warnings.contains { $0.contains("more than once") } })
        #expect(metformin[0].warnings.contains("No frequency given."))
    }

    @Test("the answer encodes with the contract's field names")
    func encoding() throws {
        let data = try JSONEncoder().encode(Self.analyze("Amoxicillin 500 mg TID x 7 days"))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["medications", "interactions", "source"])
        let medication = try #require((object["medications"] as? [[String: Any]])?.first)
        #expect(medication["duration_days"] as? Int == 7)
        #expect(object["source"] as? String == "rules")
    }
}
