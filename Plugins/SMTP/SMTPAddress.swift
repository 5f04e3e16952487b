import RegexBuilder

/// Addresses as SMTP envelopes and headers take them without quoting: a dot-atom local part
/// and a host name. Quoted local parts and non-ASCII addresses (which would need SMTPUTF8)
/// are refused rather than guessed at.
enum SMTPAddress {
    static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, address.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        let atom = /[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+/
        let label = /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/
        return address.wholeMatch(of: Regex {
            atom
            ZeroOrMore { "."; atom }
            "@"
            label
            OneOrMore { "."; label }
        }) != nil
    }
}
