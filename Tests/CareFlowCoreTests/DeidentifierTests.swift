@testable import CareFlowCore
import Foundation
import Testing

/// Issue 13: before text leaves for an LLM provider, the patient's names, phone numbers,
/// emails, national id, MRN and exact dates are replaced by placeholders and restored in the answer.
@Suite("De-identification of text sent to an LLM (pure)")
struct DeidentifierTests {
    static let patient = Deidentifier.Identity(
        givenName: "Amina", familyName: "Uwase", mrn: "MRN-000123", nationalID: "1198470012345678",
        phone: "+250788123456", email: "amina.uwase@example.rw", birthDate: "1984-03-07")

    static let note = """
        Amina Uwase (MRN-000123, ID 1198470012345678), born 07/03/1984, seen on 2026-11-28 with her husband. \
        Call her on 0788 123 456 or the clinic on +250 252 000 111; email amina.uwase@example.rw. \
        Mrs Uwase to take Amoxicillin 500 mg three times daily for 7 days. Amina agrees. Review on 5 December 2026.
        """

    @Test("no identifier of the patient survives, and the clinical content does")
    func redacts() {
        let redacted = Deidentifier(Self.patient).redact(Self.note)
        let text = redacted.text
        for secret in ["Amina", "Uwase", "MRN-000123", "1198470012345678", "07/03/1984", "2026-11-28", "0788 123 456",
                       "252 000 111", "amina.uwase@example.rw", "5 December 2026"] {
            #expect(!text.contains(secret), "\(secret) leaked: \(text)")
        }
        for kept in ["Amoxicillin 500 mg three times daily for 7 days", "husband", "agrees", "Review on"] {
            #expect(text.contains(kept), "\(kept) lost: \(text)")
        }
        #expect(text.contains("[PATIENT_NAME]"))
        #expect(text.contains("[PATIENT_MRN]"))
        #expect(text.contains("[PATIENT_PHONE]"))
        #expect(text.contains("[PATIENT_BIRTH_DATE]"))
    }

    @Test("a patient named only in full can be addressed by given or family name in the answer")
    func namePartsOfAFullName() {
        let redacted = Deidentifier(Self.patient).redact("Amina Uwase reports a cough.")
        #expect(redacted.text == "[PATIENT_NAME] reports a cough.")
        #expect(redacted.restore("Ask [PATIENT_GIVEN_NAME] ([PATIENT_FAMILY_NAME]) to rest.") == "Ask Amina (Uwase) to rest.")
        // Text without the patient's name gains no name placeholders.
        #expect(Deidentifier(Self.patient).redact("Cough for 3 days.").placeholders.isEmpty)
    }

    @Test("an answer that repeats placeholders gets the real values back")
    func restores() {
        let redacted = Deidentifier(Self.patient).redact(Self.note)
        let dates = redacted.placeholders.keys.filter { $0.hasPrefix("[DATE_") }.sorted()
        #expect(dates.count == 2)
        let answer = "[PATIENT_GIVEN_NAME] should take amoxicillin; review \(dates.last!) ([PATIENT_NAME], [PATIENT_PHONE])."
        let restored = redacted.restore(answer)
        #expect(restored.contains("Amina should take amoxicillin"))
        #expect(restored.contains("Amina Uwase"))
        #expect(restored.contains("0788 123 456"))
        #expect(!restored.contains("["))
        // The round trip of the whole text gives back the original.
        #expect(redacted.restore(redacted.text) == Self.note)
    }

    @Test("names are whole words only, and numbers inside clinical terms are not phones")
    func wordBoundaries() {
        let identity = Deidentifier.Identity(givenName: "Ann", familyName: "Lee")
        let text = "Ann's planning: annual review. HbA1c 7.2, BP 140/90. Lee to continue. Annette is her sister."
        let redacted = Deidentifier(identity).redact(text).text
        #expect(redacted.contains("annual"))
        #expect(redacted.contains("Annette"))
        #expect(redacted.contains("HbA1c 7.2"))
        #expect(redacted.contains("140/90"))
        #expect(!redacted.contains("Lee "))
        #expect(redacted.hasPrefix("[PATIENT_GIVEN_NAME]'s"))
    }
}
