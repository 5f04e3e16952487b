import Foundation

/// The prescription analyser for tenants with `llm: none`: standard sig phrasing ("Amoxicillin
/// 500 mg PO TID x 7 days") read into medicines, with warnings and known interactions.
public struct RuleBasedPrescriptionAnalyzer: Sendable {
    /// Most a day of a few medicines whose overdose is common, in milligrams.
    static let maxDailyMilligrams: [String: Double] = ["paracetamol": 4_000, "acetaminophen": 4_000, "ibuprofen": 3_200]
    static let antibiotics: Set<String> = ["amoxicillin", "azithromycin", "cephalexin", "ciprofloxacin", "doxycycline",
                                           "metronidazole", "nitrofurantoin", "clarithromycin", "penicillin", "trimethoprim"]

    public init() {}

    public func analyze(_ text: String) -> PrescriptionAnalysis {
        var medications: [PrescriptionAnalysis.Medication] = []
        for sentence in NoteTokens.sentences(of: text) {
            for mention in MedicationMention.all(in: NoteTokens(sentence)) {
                medications.append(Self.medication(mention))
            }
        }
        // The same medicine written twice is a duplicate, worth a warning on each.
        let names = medications.map { $0.name.lowercased() }
        for i in medications.indices where names.filter({ $0 == names[i] }).count > 1 {
            medications[i].warnings.append("Listed more than once: check for a duplicate prescription.")
        }
        return PrescriptionAnalysis(medications: medications, interactions: DrugInteractions.between(medications.map(\.name)),
                                    source: .rules)
    }

    static func medication(_ mention: MedicationMention) -> PrescriptionAnalysis.Medication {
        var warnings: [String] = []
        let generic = mention.name.lowercased().split(separator: " ").first.map(String.init) ?? ""
        let frequency: String?
        switch mention.dosing.frequency {
        case .perDay(let n)?: frequency = n == 1 ? "once a day" : n == 2 ? "twice a day" : "\(n) times a day"
        case .asNeeded?: frequency = "as needed"
        case .weekly?: frequency = "once a week"
        case .everyOtherDay?: frequency = "every other day"
        case nil:
            frequency = nil
            warnings.append("No frequency given.")
        }
        if antibiotics.contains(generic), mention.dosing.durationDays == nil {
            warnings.append("Antibiotic without a duration.")
        }
        if let limit = maxDailyMilligrams[generic], let dose = mention.dose.flatMap(Double.init), let unit = mention.unit {
            let milligrams = unit == "g" ? dose * 1000 : unit == "mg" ? dose : nil
            let perDay: Int? = if case .perDay(let n)? = mention.dosing.frequency { n } else if case .asNeeded? = mention.dosing.frequency { 4 } else { nil }
            if let milligrams, let perDay, milligrams * Double(perDay) > limit {
                warnings.append("Up to \(Int(milligrams * Double(perDay))) mg a day exceeds the usual maximum of \(Int(limit)) mg.")
            }
        }
        return .init(name: mention.name, dose: mention.dose, unit: mention.unit, route: mention.route, frequency: frequency,
                     durationDays: mention.dosing.durationDays, warnings: warnings)
    }
}
