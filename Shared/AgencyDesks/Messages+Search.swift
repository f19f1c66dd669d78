import Foundation
import HouseholdDomain

extension Operation {
    /// Union: finds files by file number, a member's name, identity number or its last six characters, county
    /// (code or name) or helper, within the asker's area (``SearchRequest`` → ``SearchReply``).
    public static let search = "search"
}

/// The body of a `search` request (`jiekun search TEXT [--by FIELD]`).
public struct SearchRequest: Codable, Sendable, Hashable {
    /// What a search text is matched against.
    public enum Field: String, Codable, Sendable, Hashable, CaseIterable {
        /// The file number (档案编号): the whole number or its beginning (`KM-2017-00`).
        case file
        /// A member's name (姓名): any part of it.
        case name
        /// A member's identity number (身份证号): all 18 characters, or the last six.
        case identity
        /// The county or prefecture (县区/州市): a GB/T 2260 code, or any part of its name (`五华`, `昆明`).
        case county
        /// The helper (帮扶人): any part of the name.
        case helper

        /// The field a word names, English or Chinese (`name`/`姓名`, `id`/`identity`/`身份证`, …).
        ///
        /// - Parameter word: What was typed.
        public init?(word: String) {
            switch word.trimmingCharacters(in: .whitespaces).lowercased() {
            case "file", "档案", "档案编号": self = .file
            case "name", "姓名": self = .name
            case "id", "identity", "身份证", "身份证号": self = .identity
            case "county", "prefecture", "area", "区划", "县区", "州市": self = .county
            case "helper", "帮扶人": self = .helper
            default: return nil
            }
        }
    }

    /// The text searched for.
    public var text: String
    /// The field to match, or `nil` for every field the text can be (a six-digit text is both a county code and the
    /// last six characters of an identity number).
    public var field: Field?
    /// The most households returned (the service caps it at ``SearchRequest/maximumLimit``).
    public var limit: Int?

    /// The largest ``limit`` the union answers.
    public static let maximumLimit = 500

    /// Creates a request.
    public init(text: String, field: Field? = nil, limit: Int? = nil) {
        self.text = text
        self.field = field
        self.limit = limit
    }
}

/// The reply to `search`: the households of the asker's area that match, by file number.
public struct SearchReply: Codable, Sendable, Hashable {
    /// One household found.
    public struct Household: Codable, Sendable, Hashable {
        /// The file number.
        public var fileNumber: String
        /// `open` or `closed`.
        public var status: String
        /// Why it closed (`exited`, `death`, …), for a closed file.
        public var closedReason: String?
        /// When it closed.
        public var closedOn: LocalDate?
        /// The category (1, 2 or 3, policy §3).
        public var category: Int
        /// The county's GB/T 2260 code.
        public var county: String
        /// The county's name (五华区).
        public var countyName: String
        /// The filing date (建档日期).
        public var filedOn: LocalDate
        /// The helper (帮扶人), if paired.
        public var helper: String?
        /// The worker's name (the person the file is about).
        public var workerName: String
        /// The worker's identity number, masked (first six and last four characters).
        public var workerIdentity: String
        /// The household's size.
        public var members: Int
        /// What the text matched: `file`, `name`, `identity`, `county`, `helper`.
        public var matched: [SearchRequest.Field]

        /// Creates an entry.
        public init(
            fileNumber: String, status: String, closedReason: String?, closedOn: LocalDate?, category: Int,
            county: String, countyName: String, filedOn: LocalDate, helper: String?, workerName: String,
            workerIdentity: String, members: Int, matched: [SearchRequest.Field]
        ) {
            self.fileNumber = fileNumber
            self.status = status
            self.closedReason = closedReason
            self.closedOn = closedOn
            self.category = category
            self.county = county
            self.countyName = countyName
            self.filedOn = filedOn
            self.helper = helper
            self.workerName = workerName
            self.workerIdentity = workerIdentity
            self.members = members
            self.matched = matched
        }
    }

    /// The households found, by file number.
    public var households: [Household]
    /// Whether more households matched than were returned.
    public var truncated: Bool

    /// Creates a reply.
    public init(households: [Household], truncated: Bool) {
        self.households = households
        self.truncated = truncated
    }
}
