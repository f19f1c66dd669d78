import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun audit --household F | --staff S [--json] --endpoint E --server-key K --key FILE`: an agency's audit log
/// (``AuditLog``) of one household or one staff member, within the auditor's area.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show an agency's audit log (审计日志) of one household or one staff member (auditors only).",
        discussion: """
            Every read and change of a household through the agency's request operations is logged: who (staff id),
            what operation, which file, done or refused (with the code), the clock time, the business date and the
            request. A household outside the auditor's area is refused; a staff member's rows are shown within it.

            Exit status: 0 shown; 1 refused (not an auditor, outside the area); 2 the service could not be asked.
            """)

    @Option(help: "A household's file number (档案编号).")
    var household: String?

    @Option(help: "A staff id (工作人员编号), such as housing-0003.")
    var staff: String?

    @OptionGroup var service: ServiceEndpoint

    @Option(help: "The agency whose log is read, for its connection in the profile (default: the profile's own).")
    var agency: String?

    @Flag(help: "Print the JSON instead of the text.")
    var json = false

    func validate() throws {
        _ = try Agency.named(agency)
        guard (household == nil) != (staff == nil) else {
            throw ValidationError("give either --household FILE_NUMBER or --staff STAFF_ID")
        }
    }

    func run() throws {
        let body = try service.request(
            AuditLog.operation, body: try MessageCoding.encode(AuditQuery(household: household, staff: staff)),
            command: "audit", at: try Agency.named(agency))
        let text =
            json
            ? String(decoding: body, as: UTF8.self) + "\n"
            : Self.render(try MessageCoding.decode(AuditReply.self, from: body))
        var output = Terminal.standardOutput
        output.write(text)
        output.flush()
    }

    /// Column widths, in terminal columns.
    static let widths = [21, 15, 21, 10, 16, 33, 0]

    /// The table: Chinese-first column labels, one line per row, clock time in UTC, business dates as 2017年3月5日.
    ///
    /// - Parameter reply: The rows.
    /// - Returns: The text, ending in a newline.
    static func render(_ reply: AuditReply) -> String {
        let header = [
            "时间 time (UTC)", "业务日期 date", "工作人员 staff", "操作 op", "档案编号 file", "结果 outcome",
            "请求 request",
        ]
        var lines = [line(header)]
        let clock = ISO8601DateFormatter()
        clock.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        for entry in reply.entries {
            let outcome =
                switch entry.outcome {
                case .done: "完成 done"
                case .refused: "拒绝 refused \(entry.refusalCode ?? "")"
                }
            lines.append(
                line([
                    clock.string(from: entry.recordedAt), chinese(entry.businessDate), entry.staffID,
                    entry.operation, entry.fileNumber, outcome, entry.requestID,
                ]))
        }
        lines.append("共 \(reply.entries.count) 条 (\(reply.entries.count) rows)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A business date as staff write it: `2017年3月5日`.
    static func chinese(_ date: LocalDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    /// One line of cells, each padded to its column (CJK characters take two columns; a width of 0 is not padded).
    static func line(_ cells: [String], widths: [Int] = widths) -> String {
        zip(cells, widths).map { cell, width in
            let columns = cell.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) }
            return width == 0 ? cell : cell + String(repeating: " ", count: max(1, width - columns))
        }.joined()
    }
}
