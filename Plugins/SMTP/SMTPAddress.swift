/// Addresses as SMTP envelopes and headers take them without quoting: a dot-atom local part
/// and a host name. Quoted local parts and non-ASCII addresses (which would need SMTPUTF8)
/// are refused rather than guessed at.
enum SMTPAddress {
    static func isValid(_ address: String) -> Bool {
        address.utf8.count <= 254
            && address.wholeMatch(of: /[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+/) != nil
    }
}
