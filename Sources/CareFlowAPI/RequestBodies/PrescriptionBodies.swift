import CareFlowCore
import Foundation

/// `{"text": "..."}` or `{"document_id": "..."}`: exactly one (both or neither is a 422 naming
/// the field). The text is bounded here; a document's text is bounded when it is read.
struct PrescriptionAnalysisBody: RequestBody {
    let input: PrescriptionService.Input

    init?(fields: inout FieldReader) {
        let text = fields.string("text", required: false, maxLength: PrescriptionService.maxTextCharacters)
        fields.refine("text", ["description": .string("The prescription as plain text; give exactly one of text and document_id")])
        let documentID = fields.uuid("document_id", required: false)
        fields.refine("document_id", ["description": .string("A text or PDF prescription document of this patient")])
        guard fields.errors.isEmpty else { return nil }
        switch (text, documentID) {
        case (let text?, nil):
            input = .text(text)
        case (nil, let documentID?):
            input = .document(documentID)
        case (.some, .some):
            fields.fail("document_id", "give either text or document_id, not both")
            return nil
        case (nil, nil):
            fields.fail("text", "give text or document_id")
            return nil
        }
    }
}
