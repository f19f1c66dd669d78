import AgencyDesks
import Foundation
import HouseholdDomain

/// What `jiekun import` prints of ``ImportResults`` on the terminal, and where its results file goes.
extension ImportResults {
    /// The terminal's report: the refused households (each error on its own line, `  FILE: row R, column "value":
    /// message`), then the not-eligible (closed) ones (`  row R FILE: why`), at most `limit` households of each,
    /// with a note of how many more the results file holds.
    func render(limit: Int, resultsPath: String?, to output: inout Terminal) {
        let more = resultsPath.map { "，见结果文件 \($0) (see the results file)" } ?? ""
        let refused = lines.filter { $0.status == .refused }
        if !refused.isEmpty {
            output.write("\n不予受理 (refused) \(refused.count):\n")
            for line in refused.prefix(limit) {
                for error in line.errors { output.write("  \(line.fileNumber): \(error)\n") }
            }
            if refused.count > limit {
                output.write("  … 另有 \(refused.count - limit) 户 (\(refused.count - limit) more)\(more)\n")
            }
        }
        let notEligible = lines.filter { $0.status == .notEligible }
        if !notEligible.isEmpty {
            output.write(
                isUpdate
                    ? "\n不再符合条件，已关闭 (closed as no longer eligible) \(notEligible.count):\n"
                    : "\n不符合条件 (not eligible) \(notEligible.count):\n")
            for line in notEligible.prefix(limit) {
                output.write("  第 \(line.row.map(String.init) ?? "?") 行 \(line.fileNumber)：\(line.reason)\n")
            }
            if notEligible.count > limit {
                output.write("  … 另有 \(notEligible.count - limit) 户 (\(notEligible.count - limit) more)\(more)\n")
            }
        }
    }

    /// Where the results go by default: beside the input, `NAME.results.csv` for `NAME.csv` or `NAME.xlsx`.
    static func defaultPath(besides input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(stem + ".results.csv").path
    }
}
