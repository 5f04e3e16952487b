/// The eight data mask patterns (ISO/IEC 18004 clause 7.8.2) and the penalty that chooses
/// among them (clause 7.8.3, Table 11).
enum QRMask: Int, CaseIterable, Sendable {
    case m0 = 0, m1, m2, m3, m4, m5, m6, m7

    /// Whether the module in row `y`, column `x` is inverted (the standard's i is the row, j the column).
    func inverts(x j: Int, y i: Int) -> Bool {
        switch self {
        case .m0: (i + j) % 2 == 0
        case .m1: i % 2 == 0
        case .m2: j % 3 == 0
        case .m3: (i + j) % 3 == 0
        case .m4: (i / 2 + j / 3) % 2 == 0
        case .m5: (i * j) % 2 + (i * j) % 3 == 0
        case .m6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case .m7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// The mask with the lowest penalty (the first on a tie), applied to `matrix`.
    ///
    /// The candidates are scored with the format and version areas still light, as clause 7.8
    /// orders it (mask, then format information); this is also how the reference encoder the
    /// tests compare against (segno) scores, so both pick the same mask.
    static func best(for matrix: QRMatrix) -> (mask: QRMask, matrix: QRMatrix) {
        var chosen = (mask: QRMask.m0, matrix: matrix, penalty: Int.max)
        for mask in allCases {
            var candidate = matrix
            candidate.apply(mask)
            let score = penalty(candidate)
            if score < chosen.penalty { chosen = (mask, candidate, score) }
        }
        return (chosen.mask, chosen.matrix)
    }

    /// N1 + N2 + N3 + N4 of Table 11.
    static func penalty(_ matrix: QRMatrix) -> Int {
        let size = matrix.size
        let modules = matrix.modules
        var score = 0
        var row = [Bool](repeating: false, count: size)
        var column = [Bool](repeating: false, count: size)
        for line in 0..<size {
            for i in 0..<size {
                row[i] = modules[line * size + i]
                column[i] = modules[i * size + line]
            }
            score += runPenalty(row) + runPenalty(column)
            score += finderLikePenalty(row) + finderLikePenalty(column)
        }
        // N2: every 2×2 block of one colour, overlapping blocks counted each.
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = modules[y * size + x]
                if modules[y * size + x + 1] == colour && modules[(y + 1) * size + x] == colour
                    && modules[(y + 1) * size + x + 1] == colour {
                    score += 3
                }
            }
        }
        // N4: 10 points per full 5 % the dark share strays from 50 %. Computed in binary floating
        // point in this order on purpose, so a share on an exact 5 % step rounds as the reference does.
        let dark = modules.reduce(0) { $1 ? $0 + 1 : $0 }
        let percent = Double(dark) / Double(size * size)
        score += 10 * Int(abs(percent * 100 - 50) / 5)
        return score
    }

    /// N1: a run of 5 + i modules of one colour costs 3 + i.
    private static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var run = 0
        var previous: Bool?
        for module in line {
            if module == previous {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                run = 1
                previous = module
            }
        }
        if run >= 5 { score += run - 2 }
        return score
    }

    private static let finderLike: [Bool] = [true, false, true, true, true, false, true]

    /// N3: 40 per dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light modules
    /// (or the quiet zone) before or after it. After a counted match the search resumes past
    /// it; after a pattern without light surroundings it resumes at its middle, where the next
    /// candidate can start.
    private static func finderLikePenalty(_ line: [Bool]) -> Int {
        let size = line.count
        var score = 0
        var start = 0
        while let index = firstFinderLike(in: line, from: start) {
            let end = index + 7
            let lightBefore = !line[max(index - 4, 0)..<index].contains(true)
            let lightAfter = !line[end..<min(end + 4, size)].contains(true)
            if index == 0 || index == size - 7 || lightBefore || lightAfter {
                score += 40
                start = end
            } else {
                start = index + 4
            }
        }
        return score
    }

    private static func firstFinderLike(in line: [Bool], from start: Int) -> Int? {
        guard start + 7 <= line.count else { return nil }
        search: for index in start...(line.count - 7) {
            for offset in 0..<7 where line[index + offset] != finderLike[offset] { continue search }
            return index
        }
        return nil
    }
}
