import Foundation

/// What a patient's SMS reply asks for (issue 13): `DONE` checks in the first open step listed
/// in the last reminder, `DONE 2` the second; `YES` (or `C`) confirms and `NO` cancels the next booked
/// appointment. Case, surrounding spaces, a trailing full stop or "#" before the number do not
/// matter; anything else is not a command (and gets the help text back).
public enum SMSReply: Sendable, Equatable {
    case done(position: Int)
    case confirm
    case decline
    case unknown

    public init(_ body: String) {
        let words = body.lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".!")))
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .map { $0.hasPrefix("#") ? String($0.dropFirst()) : String($0) }
            .filter { !$0.isEmpty }
        // (A `where` clause binds to one pattern only, so the word count is checked first.)
        switch (words.first, words.count) {
        case ("done"?, 1), ("taken"?, 1):
            self = .done(position: 1)
        case ("done"?, 2):
            if let n = Int(words[1]), (1...99).contains(n) { self = .done(position: n) } else { self = .unknown }
        case ("yes"?, 1), ("y"?, 1), ("c"?, 1), ("confirm"?, 1):
            self = .confirm
        case ("no"?, 1), ("n"?, 1), ("cancel"?, 1):
            self = .decline
        default:
            self = .unknown
        }
    }
}
