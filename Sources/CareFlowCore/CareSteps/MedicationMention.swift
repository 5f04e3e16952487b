import Foundation

/// A medicine named in a sentence with its dose and dosing: "Start metformin 500 mg twice daily
/// with meals", "Amoxicillin 500mg PO TID x 7 days", "Continue lisinopril daily".
struct MedicationMention: Equatable {
    var name: String
    var dose: String?
    var unit: String?
    var route: String?
    var dosing: Dosing

    /// "Metformin 500 mg".
    var label: String {
        [name, dose.map { d in unit.map { "\(d) \($0)" } ?? d }].compactMap { $0 }.joined(separator: " ")
    }

    static let doseUnits: [String: String] = [
        "mg": "mg", "mgs": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "ug": "mcg",
        "microgram": "mcg", "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "ml": "ml", "mls": "ml",
        "units": "units", "unit": "units", "iu": "IU", "puffs": "puffs", "puff": "puff", "tablets": "tablets",
        "tablet": "tablet", "tabs": "tablets", "tab": "tablet", "capsules": "capsules", "capsule": "capsule",
        "caps": "capsules", "cap": "capsule", "drops": "drops", "drop": "drop", "sachet": "sachet", "sachets": "sachets",
        "mmol": "mmol", "meq": "mEq", "spray": "spray", "sprays": "sprays", "patch": "patch",
    ]

    static let routes: [String: String] = [
        "po": "oral", "orally": "oral", "oral": "oral", "by mouth": "oral", "iv": "intravenous", "im": "intramuscular",
        "sc": "subcutaneous", "subcut": "subcutaneous", "subcutaneously": "subcutaneous", "sl": "sublingual",
        "sublingual": "sublingual", "inhaled": "inhaled", "inh": "inhaled", "topical": "topical", "topically": "topical",
        "pr": "rectal", "vaginally": "vaginal", "eye": "ophthalmic", "ear": "otic", "nasal": "nasal", "intranasal": "nasal",
    ]

    /// Words that precede a medicine's name without being part of it.
    static let leadWords: Set<String> = [
        "take", "taking", "start", "started", "starting", "continue", "continued", "prescribe", "prescribed", "give",
        "given", "begin", "commence", "commenced", "add", "added", "increase", "increased", "decrease", "decreased",
        "reduce", "reduced", "switch", "switched", "change", "changed", "restart", "resume", "use", "apply", "inhale",
        "rx", "on", "with", "of", "the", "a", "an", "and", "then", "to", "dose", "please", "pt", "patient", "should",
        "must", "will", "also", "new", "plus", "for", "at", "in", "by", "from", "up", "down", "mg", "same", "keep",
        "tablet", "tablets", "capsule", "capsules", "1", "2", "one", "two", "x",
    ]

    /// Names recognised without a dose ("Continue lisinopril daily", "Stop ibuprofen").
    static let knownMedicines: Set<String> = [
        "amlodipine", "amoxicillin", "atorvastatin", "azithromycin", "aspirin", "bisoprolol", "cephalexin", "cetirizine",
        "ciprofloxacin", "clopidogrel", "diclofenac", "doxycycline", "enalapril", "escitalopram", "fluoxetine",
        "furosemide", "gabapentin", "hydrochlorothiazide", "ibuprofen", "insulin", "levothyroxine", "lisinopril",
        "loratadine", "losartan", "metformin", "metoprolol", "metronidazole", "naproxen", "nitrofurantoin", "omeprazole",
        "pantoprazole", "paracetamol", "acetaminophen", "prednisolone", "prednisone", "ramipril", "rosuvastatin",
        "salbutamol", "albuterol", "sertraline", "simvastatin", "spironolactone", "tramadol", "warfarin", "apixaban",
        "rivaroxaban", "clarithromycin", "fluconazole", "allopurinol", "colchicine", "methotrexate", "trimethoprim",
        "sildenafil", "nitroglycerin", "glyceryl", "isosorbide", "ferrous", "folic", "vitamin", "calcium", "montelukast",
        "budesonide", "fluticasone", "tiotropium", "glipizide", "gliclazide", "sitagliptin", "empagliflozin",
        "dapagliflozin", "carvedilol", "digoxin", "amiodarone", "lithium", "citalopram", "duloxetine", "codeine",
        "morphine", "oxycodone", "ondansetron", "metoclopramide", "loperamide", "lactulose", "mupirocin", "hydrocortisone",
    ]

    static let instructionVerbs: Set<String> = [
        "take", "start", "continue", "restart", "resume", "begin", "commence", "use", "apply", "give", "prescribe", "add",
    ]

    /// Every medicine in a sentence, each with the dosing words between it and the next one.
    static func all(in t: NoteTokens) -> [MedicationMention] {
        let words = t.tokens
        struct Anchor { var nameStart: Int; var nameEnd: Int; var doseIndex: Int?; var name: [String] }
        // Anchors: a number followed by a dose unit…
        var anchors: [Anchor] = []
        var previousEnd = 0
        for i in words.indices where words[i].isNumber && i + 1 < words.count && doseUnits[words[i + 1].lower] != nil {
            guard i >= previousEnd else { continue }
            // The name: up to three words before the dose, stopping at a lead word.
            var name: [String] = []
            var j = i - 1
            while j >= previousEnd, name.count < 3 {
                let word = words[j]
                // A word ending in a colon is a label ("Rx:", "Meds:"), never part of the name.
                if word.isNumber || leadWords.contains(word.lower) || Dosing.isDosingWord(word.lower) || routes[word.lower] != nil
                    || word.lower.first?.isLetter != true || word.lower.hasSuffix(":") { break }
                name.insert(word.text, at: 0)
                j -= 1
            }
            var nameStart = j + 1
            if name.isEmpty, let known = stride(from: i - 1, through: max(previousEnd, i - 4), by: -1).first(where: {
                knownMedicines.contains(words[$0].lower)
            }) {
                // "Increase lisinopril to 20 mg".
                name = [words[known].text]
                nameStart = known
            }
            // "2 tablets of paracetamol": the name follows the unit.
            if name.isEmpty, i + 2 < words.count, words[i + 2].lower == "of" {
                var m = i + 3
                while m < words.count, name.count < 3, words[m].lower.first?.isLetter == true,
                      !leadWords.contains(words[m].lower), !Dosing.isDosingWord(words[m].lower) {
                    name.append(words[m].text)
                    m += 1
                }
                nameStart = i
            }
            guard !name.isEmpty else { continue }
            anchors.append(Anchor(nameStart: nameStart, nameEnd: i, doseIndex: i, name: name))
            previousEnd = i + 2
        }
        // …or a known medicine without a dose, when the sentence tells the patient to take it
        // ("Continue lisinopril daily"; not "Atrial fibrillation on warfarin").
        for i in words.indices where knownMedicines.contains(words[i].lower)
            && !anchors.contains(where: { i >= $0.nameStart - 1 && i <= ($0.doseIndex ?? $0.nameEnd) + 3 }) {
            let instructed = (max(0, i - 2)..<i).contains { instructionVerbs.contains(words[$0].lower) }
            let dosing = Dosing(in: t, from: i + 1, to: min(words.count, i + 8))
            guard instructed || dosing.frequency != nil else { continue }
            anchors.append(Anchor(nameStart: i, nameEnd: i + 1, doseIndex: nil, name: [words[i].text]))
        }
        anchors.sort { $0.nameStart < $1.nameStart }

        return anchors.enumerated().map { k, anchor in
            let afterDose = anchor.doseIndex.map { $0 + 2 } ?? anchor.nameEnd
            let segmentEnd = k + 1 < anchors.count ? max(anchors[k + 1].nameStart, afterDose) : words.count
            var dosing = Dosing(in: t, from: afterDose, to: segmentEnd)
            if dosing.frequency == nil, dosing.durationDays == nil {
                // "Twice daily metformin 500 mg": dosing words before the name.
                let segmentStart = k > 0 ? (anchors[k - 1].doseIndex.map { $0 + 2 } ?? anchors[k - 1].nameEnd) : 0
                dosing = Dosing(in: t, from: segmentStart, to: max(anchor.nameStart, segmentStart))
            }
            var route: String?
            for m in afterDose..<max(afterDose, segmentEnd) {
                if let r = routes[words[m].lower] { route = r; break }
            }
            if route == nil, t.contains("by mouth", from: afterDose, to: segmentEnd) { route = "oral" }
            let name = anchor.name.joined(separator: " ")
            return MedicationMention(
                name: name.prefix(1).uppercased() + name.dropFirst(),
                dose: anchor.doseIndex.map { Self.cleanNumber(words[$0].text) },
                unit: anchor.doseIndex.map { doseUnits[words[$0 + 1].lower] ?? words[$0 + 1].lower },
                route: route, dosing: dosing)
        }
    }

    static func cleanNumber(_ text: String) -> String {
        guard let value = Double(text) else { return text }
        return value.rounded() == value ? String(Int(value)) : text
    }
}

extension Dosing {
    static let dosingWords: Set<String> = [
        "daily", "bid", "tid", "qid", "qds", "tds", "bd", "od", "qd", "qhs", "hs", "prn", "nightly", "weekly", "once",
        "twice", "thrice", "every", "morning", "evening", "night", "bedtime", "po", "orally",
    ]

    static func isDosingWord(_ word: String) -> Bool { dosingWords.contains(word) }
}
