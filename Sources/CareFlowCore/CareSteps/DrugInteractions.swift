import Foundation

/// Well-known interactions between common medicines, by generic name or class. A short list
/// for the rule-based analyser, not a substitute for a pharmacist: it says so in its warnings.
enum DrugInteractions {
    static let classes: [String: Set<String>] = [
        "nsaid": ["ibuprofen", "naproxen", "diclofenac", "aspirin", "celecoxib", "indomethacin", "ketorolac"],
        "anticoagulant": ["warfarin", "apixaban", "rivaroxaban", "dabigatran"],
        "ace-inhibitor/arb": ["lisinopril", "enalapril", "ramipril", "captopril", "perindopril", "losartan", "valsartan", "candesartan"],
        "ssri/snri": ["sertraline", "fluoxetine", "escitalopram", "citalopram", "paroxetine", "duloxetine", "venlafaxine"],
        "nitrate": ["nitroglycerin", "glyceryl", "isosorbide"],
        "pde5": ["sildenafil", "tadalafil", "vardenafil"],
        "inr-raising antimicrobial": ["clarithromycin", "erythromycin", "ciprofloxacin", "metronidazole", "fluconazole", "trimethoprim"],
        "statin (cyp3a4)": ["simvastatin", "atorvastatin", "lovastatin"],
        "strong cyp3a4 inhibitor": ["clarithromycin", "erythromycin", "itraconazole", "ketoconazole"],
    ]

    struct Rule {
        let a: String
        let b: String
        let severity: String
        let note: String
    }

    /// `a`/`b` are a generic name or a class name from `classes`.
    static let rules: [Rule] = [
        Rule(a: "anticoagulant", b: "nsaid", severity: "major", note: "Bleeding risk rises; avoid together or protect and monitor."),
        Rule(a: "warfarin", b: "inr-raising antimicrobial", severity: "major", note: "Raises the INR; check the INR within a few days."),
        Rule(a: "warfarin", b: "amiodarone", severity: "major", note: "Raises the INR; reduce the warfarin dose and monitor."),
        Rule(a: "ace-inhibitor/arb", b: "spironolactone", severity: "major", note: "Risk of high potassium; check potassium and kidney function."),
        Rule(a: "ace-inhibitor/arb", b: "nsaid", severity: "moderate", note: "Less blood-pressure control and a risk to kidney function."),
        Rule(a: "statin (cyp3a4)", b: "strong cyp3a4 inhibitor", severity: "major", note: "Risk of muscle damage (myopathy); pause the statin."),
        Rule(a: "simvastatin", b: "amiodarone", severity: "major", note: "Risk of myopathy; keep simvastatin at 20 mg or less."),
        Rule(a: "pde5", b: "nitrate", severity: "contraindicated", note: "Severe drop in blood pressure; never together."),
        Rule(a: "methotrexate", b: "trimethoprim", severity: "major", note: "Bone-marrow toxicity; avoid together."),
        Rule(a: "ssri/snri", b: "tramadol", severity: "major", note: "Serotonin syndrome and seizures."),
        Rule(a: "ssri/snri", b: "nsaid", severity: "moderate", note: "Bleeding in the stomach or gut; consider a stomach protector."),
        Rule(a: "clopidogrel", b: "omeprazole", severity: "moderate", note: "Less antiplatelet effect; pantoprazole is preferred."),
        Rule(a: "lithium", b: "nsaid", severity: "major", note: "Lithium levels rise; check levels."),
        Rule(a: "lithium", b: "ace-inhibitor/arb", severity: "major", note: "Lithium levels rise; check levels."),
        Rule(a: "digoxin", b: "amiodarone", severity: "major", note: "Digoxin levels rise; halve the digoxin dose."),
        Rule(a: "nsaid", b: "nsaid", severity: "moderate", note: "Two anti-inflammatories together add risk without adding benefit."),
    ]

    static func matches(_ key: String, _ name: String) -> Bool {
        let generic = name.lowercased().split(separator: " ").first.map(String.init) ?? ""
        return key == generic || (classes[key]?.contains(generic) ?? false)
    }

    /// Every rule that applies to a pair of the given medicines, each pair once.
    static func between(_ names: [String]) -> [PrescriptionAnalysis.Interaction] {
        var found: [PrescriptionAnalysis.Interaction] = []
        for i in names.indices {
            for j in names.indices where j > i {
                let (x, y) = (names[i], names[j])
                guard x.lowercased() != y.lowercased() else { continue }
                if let rule = rules.first(where: { (matches($0.a, x) && matches($0.b, y)) || (matches($0.a, y) && matches($0.b, x)) }) {
                    found.append(.init(between: [x, y], severity: rule.severity, note: rule.note))
                }
            }
        }
        return found
    }
}
