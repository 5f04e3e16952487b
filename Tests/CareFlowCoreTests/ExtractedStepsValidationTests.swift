@testable import CareFlowCore
import Foundation
import Testing

/// An LLM's answer is checked against the schema it was asked for (issue 13): a malformed
/// answer is refused with a reason, which the outbox shows when it dead-letters the job.
@Suite("The extraction answer's schema (pure)")
struct ExtractedStepsValidationTests {
    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("a well-formed answer is accepted, with nulls for optional fields")
    func accepts() throws {
        let steps = try ExtractedSteps(validating: Self.json("""
            {"checklist":[{"title":"Book a follow-up in 2 weeks","detail":null}],
             "plan":[{"title":"Take amoxicillin 500 mg","detail":"with food","times_per_day":3,"time_of_day":null,"duration_days":7},
                     {"title":"Walk","detail":null,"times_per_day":1,"time_of_day":"18:30","duration_days":30}]}
            """))
        #expect(steps.checklist == [ChecklistItem(title: "Book a follow-up in 2 weeks")])
        #expect(steps.plan[0] == PlanItem(title: "Take amoxicillin 500 mg", detail: "with food", timesPerDay: 3, durationDays: 7))
        #expect(steps.plan[1].timeOfDay == "18:30")
    }

    @Test("malformed answers are refused, naming what is wrong", arguments: [
        (#"[]"#, "not a JSON object"),
        (#"{"plan":[]}"#, "checklist"),
        (#"{"checklist":[],"plan":{}}"#, "plan must be an array"),
        (#"{"checklist":[{"title":""}],"plan":[]}"#, "checklist[0].title"),
        (#"{"checklist":[{"title":7}],"plan":[]}"#, "checklist[0].title"),
        (#"{"checklist":[],"plan":[{"title":"x","times_per_day":0,"duration_days":3}]}"#, "plan[0].times_per_day"),
        (#"{"checklist":[],"plan":[{"title":"x","times_per_day":2.5,"duration_days":3}]}"#, "plan[0].times_per_day"),
        (#"{"checklist":[],"plan":[{"title":"x","times_per_day":2,"duration_days":400}]}"#, "plan[0].duration_days"),
        (#"{"checklist":[],"plan":[{"title":"x","times_per_day":2,"duration_days":3,"time_of_day":"8am"}]}"#, "plan[0].time_of_day"),
        (#"{"checklist":[],"plan":[{"title":"x","times_per_day":2}]}"#, "plan[0].duration_days"),
        (#"{"checklist":[],"plan":[],"note":"extra"}"#, "unexpected field note"),
        (#"{"checklist":[{"title":"x","priority":1}],"plan":[]}"#, "unexpected field checklist[0].priority"),
    ])
    func refuses(answer: String, reason: String) throws {
        let error = #expect(throws: MalformedStepsAnswer.self) { try ExtractedSteps(validating: Self.json(answer)) }
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error?.reason))")
    }

    @Test("the schema sent to the provider requires every field, as strict structured output demands")
    func schema() throws {
        guard case .object(let root) = ExtractedSteps.jsonSchema, case .object(let props)? = root["properties"],
              case .object(let plan)? = props["plan"], case .object(let item)? = plan["items"],
              case .array(let required)? = item["required"], case .object(let itemProps)? = item["properties"]
        else { Issue.record("unexpected schema shape"); return }
        #expect(Set(required.compactMap { if case .string(let s) = $0 { s } else { nil } }) == Set(itemProps.keys))
        #expect(item["additionalProperties"] == .bool(false))
    }
}
