import Foundation

/// Laboratory tests and imaging as notes write them, with the name a patient is shown.
enum LabTestNames {
    /// Lower-case phrase → display name; longer phrases first.
    static let phrases: [(String, String)] = [
        ("full blood count", "Full blood count"), ("complete blood count", "Complete blood count"), ("cbc", "Complete blood count"),
        ("fbc", "Full blood count"), ("hba1c", "HbA1c"), ("a1c", "HbA1c"), ("fasting lipid panel", "Fasting lipid panel"),
        ("fasting lipid profile", "Fasting lipid profile"), ("lipid panel", "Lipid panel"), ("lipid profile", "Lipid profile"), ("lipids", "Lipid profile"),
        ("cholesterol test", "Cholesterol test"), ("fasting glucose", "Fasting glucose"), ("fasting blood sugar", "Fasting blood sugar"),
        ("thyroid function", "Thyroid function tests"), ("tsh", "TSH"), ("liver function", "Liver function tests"),
        ("lfts", "Liver function tests"), ("lft", "Liver function tests"), ("kidney function", "Kidney function tests"),
        ("renal function", "Kidney function tests"), ("u&e", "Urea and electrolytes"), ("u&es", "Urea and electrolytes"),
        ("electrolytes", "Electrolytes"), ("creatinine", "Creatinine"), ("egfr", "eGFR"), ("cmp", "Comprehensive metabolic panel"),
        ("bmp", "Basic metabolic panel"), ("inr", "INR"), ("ferritin", "Ferritin"), ("vitamin d level", "Vitamin D level"),
        ("vitamin b12", "Vitamin B12"), ("b12 level", "Vitamin B12"), ("psa", "PSA"), ("crp", "CRP"), ("esr", "ESR"),
        ("urinalysis", "Urinalysis"), ("urine culture", "Urine culture"), ("urine test", "Urine test"), ("blood culture", "Blood culture"),
        ("stool test", "Stool test"), ("pregnancy test", "Pregnancy test"), ("blood test", "Blood test"), ("blood tests", "Blood tests"),
        ("bloods", "Blood tests"), ("chest x-ray", "Chest X-ray"), ("chest xray", "Chest X-ray"), ("cxr", "Chest X-ray"),
        ("x-ray", "X-ray"), ("xray", "X-ray"), ("ultrasound", "Ultrasound"), ("ecg", "ECG"), ("ekg", "ECG"),
        ("echocardiogram", "Echocardiogram"), ("echo", "Echocardiogram"), ("mri", "MRI"), ("ct scan", "CT scan"), ("ct", "CT scan"),
        ("mammogram", "Mammogram"), ("colonoscopy", "Colonoscopy"), ("spirometry", "Spirometry"), ("dexa scan", "DEXA scan"),
        ("holter", "Holter monitor"), ("sputum culture", "Sputum culture"), ("throat swab", "Throat swab"), ("covid test", "COVID-19 test"),
    ]

    /// The tests a sentence mentions, each once, in the order of the table.
    static func mentioned(in t: NoteTokens) -> [String] {
        var found: [String] = []
        var covered = Set<Int>()
        for (phrase, name) in phrases {
            var start = 0
            while let i = t.find(phrase, from: start) {
                let span = Set(i..<(i + phrase.split(separator: " ").count))
                if covered.isDisjoint(with: span) {
                    covered.formUnion(span)
                    if !found.contains(name) { found.append(name) }
                }
                start = i + 1
            }
        }
        return found
    }
}
