import Foundation
import GRDB
import HouseholdDomain

extension UnionDesk {
    /// The most households a search returns when the request names no limit.
    public static let defaultSearchLimit = 50

    /// Finds the files of `area` that match a search (`jiekun search`, policy §4.1: staff find a household's file
    /// by what the household tells them): by file number (whole or its beginning), a member's name (any part),
    /// a member's identity number (all 18 characters, or the last six), county (a code, a prefecture's code, or any
    /// part of a county's or prefecture's name) or helper (any part of the name). Without a field, the text is
    /// matched against every field it can be. Households outside the area are neither returned nor counted: a
    /// search names no household, so nothing is refused.
    ///
    /// - Parameters:
    ///   - query: The search.
    ///   - area: The asker's area.
    ///   - registry: The county registry, for county names.
    ///   - db: A database connection.
    /// - Returns: The households found, by file number, at most the query's limit.
    /// - Throws: ``DeskRefusal`` `search.text.empty` for an empty text, `search.field.unusable` when the text cannot
    ///   be the field asked for (an identity number of 7 characters); `DatabaseError`, `DecodingError`.
    public func search(
        _ query: SearchRequest, within area: StaffArea, registry: CountyRegistry = .yunnan, in db: Database
    ) throws -> SearchReply {
        let text = query.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            throw DeskRefusal(code: "search.text.empty", description: "请输入查询内容 (give something to search for)")
        }
        let limit = min(max(query.limit ?? Self.defaultSearchLimit, 1), SearchRequest.maximumLimit)
        let fields = query.field.map { [$0] } ?? SearchRequest.Field.allCases.filter { Self.canBe(text, $0) }
        if let field = query.field, !Self.canBe(text, field) {
            throw DeskRefusal(
                code: "search.field.unusable",
                description:
                    "“\(text)” 不能按\(field.rawValue)查询 (\(text) cannot be a \(field.rawValue): an identity number is "
                    + "18 characters or its last six, a county a six-digit code or a name)")
        }
        let inArea: String =
            switch area.level {
            case .province: "\(area.code.prefix(2))%"
            case .prefecture: "\(area.code.prefix(4))%"
            case .county: area.code
            }
        var matched: [String: Set<SearchRequest.Field>] = [:]
        func collect(_ field: SearchRequest.Field, _ sql: String, _ arguments: StatementArguments) throws {
            for file in try String.fetchAll(db, sql: sql, arguments: arguments) {
                matched[file, default: []].insert(field)
            }
        }
        for field in fields {
            switch field {
            case .file:
                try collect(
                    .file,
                    "SELECT file_number FROM union_files WHERE file_number LIKE ? ESCAPE '\\' AND division_code LIKE ?",
                    [Self.likeEscaped(text.uppercased()) + "%", inArea])
            case .identity:
                let number = text.uppercased()
                try collect(
                    .identity,
                    """
                    SELECT DISTINCT m.file_number FROM union_members m JOIN union_files f ON f.file_number = m.file_number
                    WHERE \(number.count == 18 ? "m.identity_number = ?" : "m.identity_number LIKE '%' || ?")
                    AND f.division_code LIKE ?
                    """,
                    [number, inArea])
            case .county:
                let codes = Self.countyCodes(matching: text, in: registry)
                guard !codes.isEmpty else { continue }
                let marks = Array(repeating: "?", count: codes.count).joined(separator: ", ")
                try collect(
                    .county,
                    "SELECT file_number FROM union_files WHERE division_code IN (\(marks)) AND division_code LIKE ?",
                    StatementArguments(codes + [inArea]))
            case .helper:
                try collect(
                    .helper,
                    "SELECT file_number FROM union_files WHERE instr(helper, ?) > 0 AND division_code LIKE ?",
                    [text, inArea])
            case .name:
                // The stored household is JSON with names as UTF-8: a byte search finds the candidates, decoding
                // confirms that a member's name (not another value) holds the text.
                let rows = try Row.fetchCursor(
                    db,
                    sql:
                        "SELECT file_number, household FROM union_files WHERE instr(household, ?) > 0 AND division_code LIKE ?",
                    arguments: [Data(text.utf8), inArea])
                while let row = try rows.next() {
                    let household = try DeskCoding.decode(Household.self, from: row["household"])
                    if household.members.contains(where: { $0.name.contains(text) }) {
                        matched[row["file_number"], default: []].insert(.name)
                    }
                }
            }
        }
        let files = matched.keys.sorted()
        var found: [SearchReply.Household] = []
        for file in files.prefix(limit) {
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT division_code, filed_on, household, category, helper, status, closed_reason, closed_on
                        FROM union_files WHERE file_number = ?
                        """,
                    arguments: [file])
            else { continue }
            let household = try DeskCoding.decode(Household.self, from: row["household"])
            let worker = household.worker ?? household.members.first
            let county: String = row["division_code"]
            found.append(
                SearchReply.Household(
                    fileNumber: file, status: row["status"], closedReason: row["closed_reason"],
                    closedOn: (row["closed_on"] as String?).flatMap(LocalDate.init), category: row["category"],
                    county: county, countyName: registry.county(code: county)?.name ?? "",
                    filedOn: LocalDate(row["filed_on"] as String) ?? household.filedOn, helper: row["helper"],
                    workerName: worker?.name ?? "", workerIdentity: worker?.identityNumber.masked ?? "",
                    members: household.members.count,
                    matched: SearchRequest.Field.allCases.filter { matched[file]?.contains($0) == true }))
        }
        return SearchReply(households: found, truncated: files.count > limit)
    }

    /// Whether `text` can be a value of `field`.
    static func canBe(_ text: String, _ field: SearchRequest.Field) -> Bool {
        let digits = text.allSatisfy(\.isASCII) && text.allSatisfy { $0.isNumber || $0 == "X" || $0 == "x" }
        switch field {
        case .file: return text.allSatisfy(\.isASCII)
        case .identity: return digits && (text.count == 18 || text.count == 6)
        case .county: return (text.count == 6 && text.allSatisfy(\.isNumber)) || !text.allSatisfy(\.isASCII)
        case .name, .helper: return !digits
        }
    }

    /// The county codes a county text stands for: a county's code itself, a prefecture's code its counties, else
    /// the counties whose name or prefecture's name holds the text.
    static func countyCodes(matching text: String, in registry: CountyRegistry) -> [String] {
        if registry.county(code: text) != nil { return [text] }
        let byPrefecture = registry.counties.filter { $0.prefectureCode == text }.map(\.code)
        if !byPrefecture.isEmpty { return byPrefecture }
        guard !text.allSatisfy(\.isNumber) else { return [] }
        return registry.counties.filter { $0.name.contains(text) || $0.prefectureName.contains(text) }.map(\.code)
    }

    /// `text` with `\`, `%` and `_` escaped for `LIKE … ESCAPE '\'`.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
