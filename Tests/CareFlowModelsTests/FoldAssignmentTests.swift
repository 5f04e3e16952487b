import CareFlowModels
import Testing

@Suite("Cross-validation folds")
struct FoldAssignmentTests {
    @Test("SplitMix64 is the published sequence, so folds are the same on every machine")
    func splitMixReferenceValues() {
        // Reference outputs for seed 1234567 from the algorithm's C reference implementation.
        var generator = SplitMix64(seed: 1_234_567)
        #expect(generator.next() == 6_457_827_717_110_365_317)
        #expect(generator.next() == 3_203_168_211_198_807_973)
    }

    @Test("stratified folds have near-equal size and positives, and depend only on the seed")
    func stratified() {
        let labels = data("cardiac-risk").labels
        let folds = FoldAssignment.stratified(labels: labels, folds: 5, seed: 42)
        for fold in 0..<5 {
            let rows = folds.testRows(fold)
            #expect(abs(rows.count - labels.count / 5) <= 1)
            #expect(abs(Int(rows.reduce(0) { $0 + labels[$1] }) - 644 / 5) <= 1)
        }
        #expect(folds == FoldAssignment.stratified(labels: labels, folds: 5, seed: 42))
        #expect(folds != FoldAssignment.stratified(labels: labels, folds: 5, seed: 43))
    }

    @Test("grouped folds never split a patient and keep the positive rate even")
    func grouped() {
        let readmission = data("readmission-30d")
        let folds = FoldAssignment.groupedStratified(
            labels: readmission.labels, groups: readmission.groups!, folds: 5, seed: 42)
        var foldOfPatient: [String: Int] = [:]
        for (row, patient) in readmission.groups!.enumerated() {
            if let known = foldOfPatient[patient] { #expect(known == folds.folds[row]) }
            foldOfPatient[patient] = folds.folds[row]
        }
        let overall = Double(readmission.positives) / Double(readmission.rowCount)
        for fold in 0..<5 {
            let rows = folds.testRows(fold)
            let rate = rows.reduce(0.0) { $0 + readmission.labels[$1] } / Double(rows.count)
            #expect(abs(rate - overall) < 0.002)
            #expect(abs(rows.count - readmission.rowCount / 5) < 200)
        }
    }
}
