import Foundation
import HouseholdDomain

/// What an import (`jiekun import`, the union's upload page) tells the clerk about each household: a summary, each
/// household's outcome, and a results file with one row per household of the file that Excel opens as it is
/// (UTF-8 with a byte order mark, CRLF line breaks). Source: policy §4.1 (一户一档), docs/IMPORT-FORMAT.md.
public struct ImportResults: Sendable {
    /// One household's outcome.
    public struct Line: Sendable, Equatable {
        /// The file's row of the household (its worker's row), or `nil` when the union did not say.
        public var row: Int?
        /// 档案编号 as written.
        public var fileNumber: String
        /// How the household ended.
        public var status: RegisterReply.Household.Status
        /// 结果: what became of the household, Chinese first.
        public var result: String
        /// 原因: the category and helper of a filed household, every error of a refused one (row, column, value,
        /// message), why a household is not eligible, in words.
        public var reason: String
        /// A refused household's errors, by row.
        public var errors: [ImportIssue] = []
    }

    /// Whether the import was an update (`--update`): `filed` then means updated, `notEligible` closed.
    public var isUpdate: Bool
    /// Every household answered, in the file's row order.
    public var lines: [Line]
    /// Filed (updated), not eligible (closed), refused.
    public var counts: (filed: Int, notEligible: Int, refused: Int)

    /// The results of the answers, ordered by row (households without a row last, in the order answered).
    public init(_ answers: [RegisterReply.Household], isUpdate: Bool) {
        self.isUpdate = isUpdate
        var counts = (filed: 0, notEligible: 0, refused: 0)
        var lines: [Line] = []
        lines.reserveCapacity(answers.count)
        for answer in answers {
            let row = answer.row ?? answer.errors?.map(\.row).min()
            switch answer.status {
            case .filed:
                counts.filed += 1
                var reason = answer.category.map { "第\($0)类 (category \($0))" } ?? ""
                if let helper = answer.helper { reason += "；帮扶责任人 \(helper) (helper)" }
                lines.append(
                    Line(
                        row: row, fileNumber: answer.fileNumber, status: .filed,
                        result: isUpdate ? "已更新 (updated)" : "已建档 (filed)", reason: reason))
            case .notEligible:
                counts.notEligible += 1
                lines.append(
                    Line(
                        row: row, fileNumber: answer.fileNumber, status: .notEligible,
                        result: isUpdate
                            ? "不再符合条件，已关闭 (closed as no longer eligible)" : "不符合条件 (not eligible)",
                        reason: Eligibility.notEligibleInWords(answer.reasons ?? [])))
            case .refused:
                counts.refused += 1
                let errors = (answer.errors ?? []).sorted { $0.row < $1.row }
                lines.append(
                    Line(
                        row: row, fileNumber: answer.fileNumber, status: .refused, result: "不予受理 (refused)",
                        reason: errors.map(\.description).joined(separator: "；"), errors: errors))
            }
        }
        self.lines = lines.enumerated().sorted { left, right in
            switch (left.element.row, right.element.row) {
            case (let l?, let r?): return l != r ? l < r : left.offset < right.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left.offset < right.offset
            }
        }.map(\.element)
        self.counts = counts
    }

    /// The summary line: `已建档 3，不符合条件 0，不予受理 0 (filed 3, not eligible 0, refused 0)`.
    public var summary: String {
        isUpdate
            ? "已更新 \(counts.filed)，不再符合条件已关闭 \(counts.notEligible)，不予受理 \(counts.refused) "
                + "(updated \(counts.filed), closed as no longer eligible \(counts.notEligible), refused "
                + "\(counts.refused))"
            : "已建档 \(counts.filed)，不符合条件 \(counts.notEligible)，不予受理 \(counts.refused) "
                + "(filed \(counts.filed), not eligible \(counts.notEligible), refused \(counts.refused))"
    }

    /// The results file's header.
    public static let header = ["行号 (row)", "档案编号 (file number)", "结果 (result)", "原因 (reason)"]

    /// The results file: a byte order mark, the header, one row per household, CRLF line breaks, RFC 4180 quoting.
    public var csv: Data {
        var text = "\u{FEFF}" + Self.header.map(Self.quoted).joined(separator: ",") + "\r\n"
        for line in lines {
            text +=
                [line.row.map(String.init) ?? "", line.fileNumber, line.result, line.reason].map(Self.quoted)
                .joined(separator: ",") + "\r\n"
        }
        return Data(text.utf8)
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
