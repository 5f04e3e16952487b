import Foundation

/// Takes the patient out of text before it leaves for an LLM provider and puts them back into
/// the answer. The patient's names, MRN, national id, phone and email are replaced wherever they
/// occur (case-insensitive, whole words), as are any phone number, email address and exact date
/// in the text (a date identifies a patient when joined with anything else). Each distinct
/// value gets its own placeholder (`[PATIENT_GIVEN_NAME]`, `[PHONE_1]`, `[DATE_2]`, …), so the
/// answer can be restored exactly. Placeholders look like nothing a note contains.
public struct Deidentifier: Sendable {
    public struct Identity: Sendable {
        public var givenName: String?
        public var familyName: String?
        public var mrn: String?
        public var nationalID: String?
        public var phone: String?
        public var email: String?
        public var birthDate: String?

        public init(givenName: String? = nil, familyName: String? = nil, mrn: String? = nil, nationalID: String? = nil,
                    phone: String? = nil, email: String? = nil, birthDate: String? = nil) {
            self.givenName = givenName
            self.familyName = familyName
            self.mrn = mrn
            self.nationalID = nationalID
            self.phone = phone
            self.email = email
            self.birthDate = birthDate
        }
    }

    /// Text without the patient, and what each placeholder stands for.
    public struct Redacted: Sendable, Equatable {
        public let text: String
        public let placeholders: [String: String]

        /// Puts the original values back wherever the answer repeats a placeholder.
        public func restore(_ answer: String) -> String {
            // Longest placeholder first so [DATE_10] is not read as [DATE_1] + "0]".
            placeholders.keys.sorted { $0.count > $1.count || ($0.count == $1.count && $0 > $1) }.reduce(answer) { text, key in
                text.replacingOccurrences(of: key, with: placeholders[key]!)
            }
        }
    }

    let identity: Identity

    public init(_ identity: Identity) {
        self.identity = identity
    }

    public func redact(_ text: String) -> Redacted {
        var state = State(text: text)
        // Fixed values first: they may look like a phone or a date, and should get their own name.
        state.replaceWords(identity.mrn, with: "[PATIENT_MRN]")
        state.replaceWords(identity.nationalID, with: "[PATIENT_NATIONAL_ID]")
        state.replaceWords(identity.email, with: "[PATIENT_EMAIL]")
        state.replacePhone(identity.phone, with: "[PATIENT_PHONE]")
        if let birth = identity.birthDate {
            for form in Self.dateForms(ofISO: birth) { state.replaceWords(form, with: "[PATIENT_BIRTH_DATE]") }
        }
        state.replaceEmails()
        state.replacePhones()
        state.replaceDates()
        // Names last, and the full name before its parts.
        if let given = identity.givenName, let family = identity.familyName {
            state.replaceWords("\(given) \(family)", with: "[PATIENT_NAME]")
            state.replaceWords("\(family), \(given)", with: "[PATIENT_NAME]")
        }
        state.replaceWords(identity.familyName, with: "[PATIENT_FAMILY_NAME]")
        state.replaceWords(identity.givenName, with: "[PATIENT_GIVEN_NAME]")
        // A text that names the patient only in full still lets the answer address them by a
        // part ("Call [PATIENT_GIVEN_NAME]"): without this the placeholder would reach the patient.
        if state.placeholders["[PATIENT_NAME]"] != nil {
            for (key, part) in [("[PATIENT_GIVEN_NAME]", identity.givenName), ("[PATIENT_FAMILY_NAME]", identity.familyName)] {
                if state.placeholders[key] == nil, let part = part?.trimmingCharacters(in: .whitespaces), !part.isEmpty {
                    state.placeholders[key] = part
                }
            }
        }
        return Redacted(text: state.text, placeholders: state.placeholders)
    }

    /// 1984-03-07 → "1984-03-07", "07/03/1984", "03/07/1984", "7/3/1984", "3/7/1984", "7 March 1984",
    /// "March 7, 1984", "March 7 1984".
    static func dateForms(ofISO iso: String) -> [String] {
        guard let day = CalendarDay(iso) else { return [iso] }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                      "November", "December"]
        let dd = day.day < 10 ? "0\(day.day)" : "\(day.day)", mm = day.month < 10 ? "0\(day.month)" : "\(day.month)"
        let name = months[day.month - 1]
        return [iso, "\(dd)/\(mm)/\(day.year)", "\(mm)/\(dd)/\(day.year)", "\(day.day)/\(day.month)/\(day.year)",
                "\(day.month)/\(day.day)/\(day.year)", "\(day.day) \(name) \(day.year)", "\(name) \(day.day), \(day.year)",
                "\(name) \(day.day) \(day.year)", "\(dd).\(mm).\(day.year)"]
    }

    struct State {
        var text: String
        var placeholders: [String: String] = [:]
        var counters: [String: Int] = [:]

        mutating func numbered(_ kind: String, for value: String) -> String {
            if let existing = placeholders.first(where: { $0.value == value && $0.key.hasPrefix("[\(kind)_") })?.key { return existing }
            counters[kind, default: 0] += 1
            let key = "[\(kind)_\(counters[kind]!)]"
            placeholders[key] = value
            return key
        }

        /// Replaces `value` where it stands as whole words (not inside a longer word or number).
        mutating func replaceWords(_ value: String?, with placeholder: String) {
            guard let value = value?.trimmingCharacters(in: .whitespaces), value.count >= 2 else { return }
            var result = ""
            var rest = Substring(text)
            while let range = rest.range(of: value, options: [.caseInsensitive, .diacriticInsensitive]) {
                let before = range.lowerBound > rest.startIndex ? rest[rest.index(before: range.lowerBound)] : nil
                let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
                let bounded = !(before.map(Self.isWordCharacter) ?? false) && !(after.map(Self.isWordCharacter) ?? false)
                result += rest[..<range.lowerBound]
                if bounded {
                    if placeholders[placeholder] == nil { placeholders[placeholder] = String(rest[range]) }
                    result += placeholder
                } else {
                    result += rest[range]
                }
                rest = rest[range.upperBound...]
            }
            text = result + rest
        }

        static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "@" }

        /// The patient's phone in any spacing: "+250 788 123 456", "0788-123-456", "(0788) 123456".
        mutating func replacePhone(_ phone: String?, with placeholder: String) {
            guard let phone else { return }
            let digits = phone.filter(\.isNumber)
            guard digits.count >= 7 else { return }
            let tail = String(digits.suffix(9))
            replaceRuns(fixed: true) { run in
                let runDigits = run.filter(\.isNumber)
                return runDigits.count >= 7 && runDigits.hasSuffix(tail) ? placeholder : nil
            }
        }

        /// Any other phone-like run: at least 9 digits, optionally with + ( ) - . and spaces.
        mutating func replacePhones() {
            replaceRuns(fixed: false) { run in
                let digits = run.filter(\.isNumber)
                guard digits.count >= 9, digits.count <= 15 else { return nil }
                return "PHONE"
            }
        }

        /// Runs of phone characters; `decide` returns a fixed placeholder or a kind to number.
        mutating func replaceRuns(fixed: Bool, _ decide: (String) -> String?) {
            var result = ""
            var run = ""
            func flush() {
                let trimmed = run.trimmingCharacters(in: .whitespaces)
                let lead = run.prefix { $0 == " " }, trail = String(run.reversed().prefix { $0 == " " })
                if !trimmed.isEmpty, let outcome = decide(trimmed) {
                    let key: String
                    if fixed {
                        key = outcome
                        if placeholders[key] == nil { placeholders[key] = trimmed }
                    } else {
                        key = numbered(outcome, for: trimmed)
                    }
                    result += lead + key + trail
                } else {
                    result += run
                }
                run = ""
            }
            var previous: Character = " "
            for c in text {
                let phoneChar = c.isNumber || "+()-. ".contains(c)
                // A run may not start in the middle of a word ("A1c", "[DATE_1]").
                let midWord = (Self.isWordCharacter(previous) && c.isNumber) || previous == "_"
                if phoneChar && !(run.isEmpty && midWord) {
                    run.append(c)
                } else {
                    flush()
                    result.append(c)
                }
                previous = c
            }
            flush()
            text = result
        }

        mutating func replaceEmails() {
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            text = parts.map { word -> String in
                let core = word.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:()<>\"'"))
                guard let at = core.firstIndex(of: "@"), at > core.startIndex, core[core.index(after: at)...].contains(".") else {
                    return String(word)
                }
                return word.replacingOccurrences(of: core, with: numbered("EMAIL", for: core))
            }.joined(separator: " ")
        }

        /// ISO dates, d/m/y or m/d/y with a 4-digit year, "7 March 2026", "March 7, 2026".
        mutating func replaceDates() {
            let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                          "sept", "oct", "nov", "dec"]
            var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            func core(_ w: String) -> String { w.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:()")) }
            func isNumericDate(_ w: String) -> Bool {
                let c = core(w)
                if CalendarDay(c) != nil { return true }
                let parts = c.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
                return parts.count == 3 && parts[2].count == 4 && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
                    && parts[0].count <= 2 && parts[1].count <= 2
            }
            func isDay(_ w: String) -> Bool {
                let c = core(w).lowercased().replacingOccurrences(of: "st", with: "").replacingOccurrences(of: "nd", with: "")
                    .replacingOccurrences(of: "rd", with: "").replacingOccurrences(of: "th", with: "")
                return Int(c).map { (1...31).contains($0) } ?? false
            }
            func isYear(_ w: String) -> Bool { let c = core(w); return c.count == 4 && Int(c).map { (1900...2100).contains($0) } ?? false }
            var i = 0
            while i < words.count {
                if isNumericDate(words[i]) {
                    let c = core(words[i])
                    words[i] = words[i].replacingOccurrences(of: c, with: numbered("DATE", for: c))
                } else if i + 2 < words.count, isDay(words[i]), months.contains(core(words[i + 1]).lowercased()), isYear(words[i + 2]) {
                    let original = words[i...(i + 2)].joined(separator: " ")
                    let c = core(original)
                    let key = numbered("DATE", for: c)
                    words.replaceSubrange(i...(i + 2), with: [original.replacingOccurrences(of: c, with: key)])
                } else if i + 2 < words.count, months.contains(core(words[i]).lowercased()), isDay(words[i + 1]), isYear(words[i + 2]) {
                    let original = words[i...(i + 2)].joined(separator: " ")
                    let c = core(original)
                    let key = numbered("DATE", for: c)
                    words.replaceSubrange(i...(i + 2), with: [original.replacingOccurrences(of: c, with: key)])
                }
                i += 1
            }
            text = words.joined(separator: " ")
        }
    }
}
