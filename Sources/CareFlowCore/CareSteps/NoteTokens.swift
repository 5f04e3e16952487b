import Foundation

/// A note cut into sentences and words for the rule-based extractor and the prescription
/// parser: dotted abbreviations folded first ("b.i.d." → "bid") so they do not end a sentence,
/// numbers split from units ("500mg" → "500", "mg"), case kept for titles.
struct NoteTokens {
    struct Token: Equatable {
        let text: String
        let lower: String
        var isNumber: Bool { Double(lower) != nil }
        var number: Double? { Double(lower) }
    }

    let sentence: String
    let tokens: [Token]

    var lowers: [String] { tokens.map(\.lower) }

    static let abbreviations: [(String, String)] = [
        ("q.i.d.", "qid"), ("t.i.d.", "tid"), ("b.i.d.", "bid"), ("q.h.s.", "qhs"), ("p.r.n.", "prn"),
        ("q.d.", "qd"), ("o.d.", "od"), ("p.o.", "po"), ("h.s.", "hs"), ("e.g.", "eg"), ("i.e.", "ie"),
        ("dr.", "dr"), ("approx.", "approx"), ("tab.", "tab"), ("tabs.", "tabs"), ("caps.", "caps"),
        ("mins.", "mins"), ("hrs.", "hrs"), ("wks.", "wks"), ("no.", "number"),
    ]

    /// Sentences: split at line breaks, semicolons, and `.`, `!`, `?` followed by a space or
    /// the end (so "2.5 mg" stays whole); list bullets dropped.
    static func sentences(of text: String) -> [String] {
        var folded = " " + text.replacingOccurrences(of: "\r", with: "\n") + " "
        for (dotted, plain) in abbreviations {
            folded = folded.replacingOccurrences(of: dotted, with: plain, options: [.caseInsensitive])
        }
        var sentences: [String] = []
        var current = ""
        let chars = Array(folded)
        for (i, c) in chars.enumerated() {
            let next = i + 1 < chars.count ? chars[i + 1] : " "
            if c == "\n" || c == ";" || ((c == "." || c == "!" || c == "?") && (next == " " || next == "\n")) {
                sentences.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        sentences.append(current)
        return sentences.compactMap { raw in
            var s = raw.trimmingCharacters(in: .whitespaces)
            while let first = s.first, "-*•·>".contains(first) { s = String(s.dropFirst()).trimmingCharacters(in: .whitespaces) }
            // "1)" / "2." list numbers at the start of a line
            if let space = s.firstIndex(of: " "), s[..<space].allSatisfy({ $0.isNumber || $0 == ")" || $0 == "." }),
               s[..<space].contains(where: { $0 == ")" || $0 == "." }) {
                s = String(s[s.index(after: space)...]).trimmingCharacters(in: .whitespaces)
            }
            return s.count >= 3 ? s : nil
        }
    }

    init(_ sentence: String) {
        self.sentence = sentence
        var tokens: [Token] = []
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            // Trailing dots and dashes are punctuation, not part of the word.
            while let last = word.last, last == "." || last == "-" || last == "/" { word.removeLast() }
            for part in Self.splitNumberFromUnit(word) where !part.isEmpty {
                tokens.append(Token(text: part, lower: part.lowercased()))
            }
            word = ""
        }
        for c in sentence {
            if c.isLetter || c.isNumber || ((c == "." || c == "/" || c == "-" || c == ":" || c == "'" || c == "&") && !word.isEmpty) {
                word.append(c)
            } else {
                flush()
            }
        }
        flush()
        self.tokens = tokens
    }

    /// "500mg" → ["500", "mg"]; "x7" → ["x", "7"]; "q8h", "hba1c", "b12" stay whole.
    static func splitNumberFromUnit(_ word: String) -> [String] {
        let lower = word.lowercased()
        if lower.hasPrefix("x") || lower.hasPrefix("×"), lower.count > 1, Double(lower.dropFirst()) != nil {
            return [String(word.prefix(1)), String(word.dropFirst())]
        }
        guard let first = word.first, first.isNumber else { return [word] }
        let digits = word.prefix { $0.isNumber || $0 == "." }
        let rest = word.dropFirst(digits.count)
        guard !rest.isEmpty, rest.first?.isLetter == true || rest.first == "µ" else { return [word] }
        return [String(digits), String(rest)]
    }

    /// Whether the words `phrase` (space separated, lower case) occur in order at some index.
    func find(_ phrase: String, from start: Int = 0, to end: Int? = nil) -> Int? {
        let words = phrase.split(separator: " ").map(String.init)
        let limit = min(end ?? tokens.count, tokens.count)
        guard !words.isEmpty, limit - words.count >= start else { return nil }
        for i in start...(limit - words.count) where (0..<words.count).allSatisfy({ tokens[i + $0].lower == words[$0] }) {
            return i
        }
        return nil
    }

    func contains(_ phrase: String, from start: Int = 0, to end: Int? = nil) -> Bool {
        find(phrase, from: start, to: end) != nil
    }

    func containsAny(_ phrases: [String], from start: Int = 0, to end: Int? = nil) -> Bool {
        phrases.contains { contains($0, from: start, to: end) }
    }

    /// Small counts written as words: "for two weeks", "for a week".
    static let numberWords: [String: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
        "few": 3, "couple": 2,
    ]

    func count(at index: Int) -> Int? {
        guard tokens.indices.contains(index) else { return nil }
        if let n = tokens[index].number, n >= 0, n < 10_000 { return Int(n) }
        return Self.numberWords[tokens[index].lower]
    }
}
