import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun search TEXT [--by FIELD] [--limit N] [--json]`: finds files at the union registry by file number, name,
/// identity number (or its last six characters), county or helper, within the staff member's area (policy §4.1).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "查找档案 — find files by file number, name, identity number, county or helper (union registry).",
        discussion: """
            Without --by the text is matched against every field it can be: KM-2017 is the beginning of file \
            numbers; 张 a part of a member's or helper's name, or of a county's name; 530102 a county code or the \
            last six characters of an identity number; 18 characters a whole identity number. Only the files of \
            your area are searched and shown, each shown file is recorded in the union's audit log. Clerks, \
            approvers and auditors may search.

            Exit status: 0 shown (also when nothing matched); 1 refused; 2 the service could not be asked.
            """)

    @Argument(help: "What to look for.")
    var text: String

    @Option(
        help: """
            Match only this field: file (档案编号), name (姓名), id (身份证号, 18 characters or the last six), county \
            (县区: code or name) or helper (帮扶人).
            """)
    var by: String?

    @Option(help: "The most files shown (at most \(SearchRequest.maximumLimit)).")
    var limit: Int = UnionDesk.defaultSearchLimit

    @Flag(help: "Print the JSON instead of the table.")
    var json = false

    @OptionGroup var service: ServiceEndpoint

    func validate() throws {
        if let by, SearchRequest.Field(word: by) == nil {
            throw ValidationError("--by must be file, name, id, county or helper (档案编号、姓名、身份证号、县区、帮扶人), not \(by)")
        }
        guard (1...SearchRequest.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be 1 to \(SearchRequest.maximumLimit)")
        }
    }

    func run() throws {
        let request = SearchRequest(text: text, field: by.flatMap(SearchRequest.Field.init(word:)), limit: limit)
        let body = try service.request(
            Operation.search, body: try MessageCoding.encode(request), command: "search", at: .union)
        var output = Terminal.standardOutput
        defer { output.flush() }
        if json {
            output.write(json: body)
            return
        }
        output.write(Self.render(try MessageCoding.decode(SearchReply.self, from: body)))
    }

    /// The table, Chinese first: one line per file, dates as 2017年3月5日.
    ///
    /// - Parameter reply: The files found.
    /// - Returns: The text, ending in a newline.
    static func render(_ reply: SearchReply) -> String {
        guard !reply.households.isEmpty else { return "未找到档案 (no file found in your area)\n" }
        let widths = [15, 13, 13, 20, 10, 20, 17, 0]
        var lines = [
            AuditCommand.line(
                [
                    "档案编号 file", "状态 status", "户主 worker", "身份证 id", "类别 cat.", "县区 county", "建档 filed",
                    "帮扶人 helper / 匹配 matched",
                ], widths: widths)
        ]
        for household in reply.households {
            let status = household.status == "open" ? "在档 open" : "销档 closed"
            lines.append(
                AuditCommand.line(
                    [
                        household.fileNumber, status, household.workerName, household.workerIdentity,
                        "\(household.category)", "\(household.county) \(household.countyName)",
                        AuditCommand.chinese(household.filedOn),
                        (household.helper ?? "-") + "  [" + household.matched.map(\.rawValue).joined(separator: ",")
                            + "]",
                    ], widths: widths))
        }
        lines.append(
            "共 \(reply.households.count) 户 (\(reply.households.count) files)"
                + (reply.truncated ? "；还有更多，请缩小范围或用 --limit (more matched: narrow the search or raise --limit)" : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
