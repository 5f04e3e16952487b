@testable import CareFlowCore
import Foundation
import Testing

/// Realistic visit notes and what a clinician expects the patient to be asked to do, written
/// from the note, not from the extractor: each plan step's medicine/habit, times a day, time of
/// day and duration, and each checklist task.
@Suite("Rule-based extraction of steps from doctors' notes (pure)")
struct RuleBasedStepExtractorTests {
    enum Step: CustomStringConvertible {
        /// A plan step whose title contains `title` (case-insensitive).
        case plan(String, times: Int, days: Int, at: String? = nil)
        /// A checklist task whose title contains `title` (case-insensitive).
        case task(String)

        var description: String {
            switch self {
            case .plan(let t, let n, let d, let at): "plan(\(t), \(n)×/day, \(d) days\(at.map { ", at \($0)" } ?? ""))"
            case .task(let t): "task(\(t))"
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let note: String
        let steps: [Step]
        var testDescription: String { String(note.prefix(60)) }
    }

    static let notes: [Case] = [
        Case(note: "Acute otitis media. Amoxicillin 500 mg three times daily for 7 days. Paracetamol 1 g every 6 hours as needed for pain.",
             steps: [.plan("Amoxicillin 500 mg", times: 3, days: 7), .task("Paracetamol 1 g as needed")]),
        Case(note: "Type 2 diabetes, newly diagnosed. Start metformin 500 mg twice daily with meals. Recheck HbA1c in 3 months. Walk 30 minutes daily.",
             steps: [.plan("Metformin 500 mg", times: 2, days: 30), .task("HbA1c in 3 months"), .plan("Walk 30 minutes daily", times: 1, days: 30)]),
        Case(note: "Hypertension poorly controlled. Increase lisinopril to 20 mg once daily. Reduce salt intake. Check blood pressure twice daily for 2 weeks. Follow up in 2 weeks.",
             steps: [.plan("Lisinopril 20 mg", times: 1, days: 30), .task("Reduce salt intake"),
                     .plan("Check blood pressure twice daily", times: 2, days: 14), .task("follow-up visit in 2 weeks")]),
        Case(note: "Community acquired pneumonia. Azithromycin 500mg PO OD x 3 days. Chest X-ray in 6 weeks. Drink plenty of fluids.",
             steps: [.plan("Azithromycin 500 mg", times: 1, days: 3), .task("Chest X-ray in 6 weeks"), .task("Drink plenty of fluids")]),
        Case(note: "Hyperlipidaemia. Atorvastatin 40 mg at night. Fasting lipid panel in 3 months.",
             steps: [.plan("Atorvastatin 40 mg", times: 1, days: 30, at: "20:00"), .task("Fasting lipid panel in 3 months")]),
        Case(note: "UTI. Nitrofurantoin 100 mg b.i.d. for 5 days. Urine culture sent. Increase water intake to 2 litres a day.",
             steps: [.plan("Nitrofurantoin 100 mg", times: 2, days: 5),
                     .plan("Increase water intake", times: 1, days: 30)]),
        Case(note: "Asthma exacerbation. Prednisolone 40 mg every morning for 5 days. Salbutamol inhaler 2 puffs as needed. Review in 1 week.",
             steps: [.plan("Prednisolone 40 mg", times: 1, days: 5, at: "08:00"), .task("2 puffs as needed"), .task("follow-up visit in 1 week")]),
        Case(note: "Hypothyroidism. Levothyroxine 50 mcg daily before breakfast. TSH in 6 weeks.",
             steps: [.plan("Levothyroxine 50 mcg", times: 1, days: 30), .task("TSH in 6 weeks")]),
        Case(note: "Patient complains of low back pain for 3 days. No red flags. Ibuprofen 400 mg TID with food for 5 days. Apply ice for 15 minutes three times a day. Avoid heavy lifting.",
             steps: [.plan("Ibuprofen 400 mg", times: 3, days: 5), .plan("Apply ice", times: 3, days: 30), .task("Avoid heavy lifting")]),
        Case(note: "Atrial fibrillation on warfarin. INR check in 1 week. Continue warfarin 5 mg daily at 6 pm.",
             steps: [.task("INR in 1 week"), .plan("Warfarin 5 mg", times: 1, days: 30, at: "18:00")]),
        Case(note: "GERD. Omeprazole 20 mg once daily before breakfast for 8 weeks. Avoid late meals and caffeine. Elevate the head of the bed.",
             steps: [.plan("Omeprazole 20 mg", times: 1, days: 56), .task("Avoid late meals and caffeine"), .task("Elevate the head of the bed")]),
        Case(note: "Cellulitis left leg. Cephalexin 500 mg four times a day for 10 days. Keep the leg elevated. Return in 2 days if redness spreads.",
             steps: [.plan("Cephalexin 500 mg", times: 4, days: 10), .task("Keep the leg elevated"), .task("follow-up visit in 2 days")]),
        Case(note: "Depression, moderate. Sertraline 50 mg daily. Follow-up in 4 weeks. Refer to psychology.",
             steps: [.plan("Sertraline 50 mg", times: 1, days: 30), .task("follow-up visit in 4 weeks"), .task("referral to psychology")]),
        Case(note: "Iron deficiency anaemia. Ferrous sulfate 200 mg twice a day for 3 months. Full blood count and ferritin in 4 weeks.",
             steps: [.plan("Ferrous sulfate 200 mg", times: 2, days: 90), .task("Full blood count"), .task("Ferritin")]),
        Case(note: "Gout flare. Colchicine 500 mcg 2 times a day for 6 days. Stop ibuprofen. Limit alcohol.",
             steps: [.plan("Colchicine 500 mcg", times: 2, days: 6), .task("Stop taking Ibuprofen"), .task("Limit alcohol")]),
        Case(note: "Heart failure. Furosemide 40 mg every morning. Weigh yourself every morning and record it. Kidney function and electrolytes next week.",
             steps: [.plan("Furosemide 40 mg", times: 1, days: 30, at: "08:00"), .plan("Weigh yourself", times: 1, days: 30, at: "08:00"),
                     .task("Kidney function"), .task("Electrolytes")]),
        Case(note: "Allergic rhinitis. Cetirizine 10 mg at bedtime for 14 days. Saline nasal rinse twice daily.",
             steps: [.plan("Cetirizine 10 mg", times: 1, days: 14, at: "20:00"), .plan("nasal rinse", times: 2, days: 30)]),
        Case(note: "Post-op check after appendectomy. Wound healing well. Keep the dressing dry. Paracetamol 1 g q6h prn. Return in 10 days for suture removal.",
             steps: [.task("Keep the dressing dry"), .task("Paracetamol 1 g as needed"), .task("follow-up visit in 10 days")]),
        Case(note: "Type 1 diabetes. Insulin glargine 20 units at 10 pm. Check blood glucose four times a day. HbA1c in 3 months.",
             steps: [.plan("glargine 20 units", times: 1, days: 30, at: "22:00"), .plan("Check blood glucose", times: 4, days: 30),
                     .task("HbA1c in 3 months")]),
        Case(note: "Osteoarthritis of the knee. Diclofenac gel apply three times daily. Physiotherapy exercises twice a day. Lose weight.",
             steps: [.plan("Diclofenac", times: 3, days: 30), .plan("Physiotherapy exercises", times: 2, days: 30), .task("Lose weight")]),
        Case(note: "Smoker, 20 pack-years. Advised to quit smoking. Spirometry in 2 weeks.",
             steps: [.task("quit smoking"), .task("Spirometry in 2 weeks")]),
        Case(note: "Migraine. Sumatriptan 50 mg as required at onset, max 2 doses a day. Keep a headache diary. Review in 6 weeks.",
             steps: [.task("Sumatriptan 50 mg as needed"), .task("Keep a headache diary"), .task("follow-up visit in 6 weeks")]),
        Case(note: "Vitamin D deficiency. Cholecalciferol 1000 IU once daily for 12 weeks. Vitamin D level in 3 months.",
             steps: [.plan("Cholecalciferol 1000 IU", times: 1, days: 84), .task("Vitamin D level in 3 months")]),
        Case(note: "Pharyngitis. Penicillin V 500 mg four times daily for 10 days. Gargle with warm salt water 3 times a day.",
             steps: [.plan("Penicillin V 500 mg", times: 4, days: 10), .plan("Gargle", times: 3, days: 30)]),
        Case(note: "Anxiety. Escitalopram 10 mg every day in the morning. Practise breathing exercises every evening. See me in 1 month.",
             steps: [.plan("Escitalopram 10 mg", times: 1, days: 30, at: "08:00"), .plan("breathing exercises", times: 1, days: 30, at: "19:00"),
                     .task("follow-up visit in 1 month")]),
        Case(note: "BP 150/90 mmHg, HR 88. Weight 92 kg. Hb 10.2 g/dL. Discussed diet and exercise.",
             steps: []),
        Case(note: "Chest pain, atypical. ECG normal today. Echocardiogram and stress test to be arranged. Aspirin 75 mg once daily.",
             steps: [.task("Echocardiogram"), .plan("Aspirin 75 mg", times: 1, days: 30)]),
        Case(note: "Plan:\n1. Metronidazole 400 mg tds x 7 days\n2. Avoid alcohol during treatment\n3. Follow up in one week",
             steps: [.plan("Metronidazole 400 mg", times: 3, days: 7), .task("Avoid alcohol"), .task("follow-up visit in 1 week")]),
        Case(note: "- Amlodipine 5mg daily\n- Atorvastatin 20mg nocte at bedtime\n- Bloods in 3 months (U&E, lipids)",
             steps: [.plan("Amlodipine 5 mg", times: 1, days: 30), .plan("Atorvastatin 20 mg", times: 1, days: 30, at: "20:00"),
                     .task("Blood tests in 3 months"), .task("Urea and electrolytes"), .task("Lipid profile")]),
        Case(note: "Start metformin 500 mg twice daily and atorvastatin 20 mg at night.",
             steps: [.plan("Metformin 500 mg", times: 2, days: 30), .plan("Atorvastatin 20 mg", times: 1, days: 30, at: "20:00")]),
        Case(note: "Allergic to penicillin. History of asthma. Patient has been taking ibuprofen 400 mg daily for a month.",
             steps: []),
        Case(note: "Methotrexate 15 mg once weekly on Mondays. Folic acid 5 mg once a week. Liver function tests every 3 months.",
             steps: [.task("Methotrexate 15 mg once a week"), .task("Folic acid 5 mg once a week"), .task("Liver function")]),
        Case(note: "Constipation. Lactulose 15 ml twice a day for 2 weeks. Eat more fibre and vegetables. Drink 8 glasses of water daily.",
             steps: [.plan("Lactulose 15 ml", times: 2, days: 14), .task("Eat more fibre"), .plan("Drink 8 glasses of water daily", times: 1, days: 30)]),
        Case(note: "Sprained ankle. Rest, ice and elevate for 48 hours. Wear the brace when walking. Ibuprofen 200 mg every 8 hours for 3 days.",
             steps: [.task("Rest, ice and elevate"), .task("Wear the brace"), .plan("Ibuprofen 200 mg", times: 3, days: 3)]),
    ]

    @Test("each realistic note gives the steps a clinician expects", arguments: notes)
    func note(_ example: Case) {
        let steps = RuleBasedStepExtractor().extract(from: example.note)
        let expectedPlans = example.steps.filter { if case .plan = $0 { true } else { false } }
        let expectedTasks = example.steps.filter { if case .task = $0 { true } else { false } }
        let got = "plan=\(steps.plan.map { "\($0.title) \($0.timesPerDay)×\($0.durationDays)d@\($0.timeOfDay ?? "-")" }) checklist=\(steps.checklist.map(\.title))"
        #expect(steps.plan.count == expectedPlans.count, "\(got)")
        #expect(steps.checklist.count == expectedTasks.count, "\(got)")
        for step in example.steps {
            switch step {
            case .plan(let title, let times, let days, let at):
                let match = steps.plan.first { $0.title.localizedCaseInsensitiveContains(title) }
                #expect(match != nil, "no plan step like \(step): \(got)")
                if let match {
                    #expect(match.timesPerDay == times, "\(step): \(got)")
                    #expect(match.durationDays == days, "\(step): \(got)")
                    if let at { #expect(match.timeOfDay == at, "\(step): \(got)") }
                }
            case .task(let title):
                #expect(steps.checklist.contains { $0.title.localizedCaseInsensitiveContains(title) }, "no task like \(step): \(got)")
            }
        }
    }

    @Test("at least 30 notes are covered")
    func corpusSize() {
        #expect(Self.notes.count >= 30)
    }

    @Test("the extractor's output passes the schema an LLM answer must pass")
    func outputIsValid() throws {
        for example in Self.notes {
            let steps = RuleBasedStepExtractor().extract(from: example.note)
            let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(steps))
            #expect(try ExtractedSteps(validating: json) == steps)
        }
    }
}
