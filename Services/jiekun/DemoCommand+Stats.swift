import Foundation
import HouseholdDomain
import ServiceRuntime

extension DemoCommand {
    /// One service's work since it started, from its `status` report: what every later change to the pipeline
    /// costs shows here (issue 18, "count before cutting").
    struct ServiceWork: Equatable {
        /// Events applied, every consumed feed (live and replayed).
        var applied: Int64 = 0
        /// Of those received, the events received by replay.
        var replayed: Int64 = 0
        /// Events and messages refused.
        var refused: Int64 = 0
        /// Events sent live by its publisher.
        var published: Int64 = 0
        /// Entries appended to its journal.
        var journaled: Int64 = 0
        /// Bytes of those entries (each event's JSON as stored).
        var journaledBytes: Int64 = 0
        /// Rows its store inserted, updated and deleted.
        var rowsWritten: Int64 = 0
        /// JSON documents its streaming coders wrote and read.
        var jsonEncodes: Int64 = 0
        var jsonDecodes: Int64 = 0

        /// Sums the feeds of a report.
        init(_ status: StatusReport) {
            for counts in status.feeds.values {
                applied += counts.applied
                replayed += counts.replayed
                refused += counts.refused
                published += counts.published
            }
            journaled = status.journaled ?? 0
            journaledBytes = status.journaledBytes ?? 0
            rowsWritten = status.rowsWritten ?? 0
            jsonEncodes = status.jsonEncodes ?? 0
            jsonDecodes = status.jsonDecodes ?? 0
        }

        init() {}

        static func + (left: Self, right: Self) -> Self {
            var sum = left
            sum.applied += right.applied
            sum.replayed += right.replayed
            sum.refused += right.refused
            sum.published += right.published
            sum.journaled += right.journaled
            sum.journaledBytes += right.journaledBytes
            sum.rowsWritten += right.rowsWritten
            sum.jsonEncodes += right.jsonEncodes
            sum.jsonDecodes += right.jsonDecodes
            return sum
        }
    }

    /// The work table the demo prints after the processor time: a row per service and a total row, each with
    /// its counts and the figures per household filed.
    ///
    /// - Parameters:
    ///   - statuses: The services' reports once every event is applied.
    ///   - filed: The households the union filed (per-household figures divide by it; `–` when none was).
    /// - Returns: The table's lines.
    static func workTable(_ statuses: [Agency: StatusReport], filed: Int) -> String {
        let header = [
            "service", "applied", "replayed", "refused", "published", "journaled", "journal KiB", "rows",
            "encodes", "decodes", "applied/hh", "journaled/hh", "bytes/hh", "rows/hh", "encodes/hh", "decodes/hh",
        ]
        var rows: [[String]] = []
        var total = ServiceWork()
        func row(_ name: String, _ work: ServiceWork) -> [String] {
            func perHousehold(_ count: Int64) -> String {
                filed > 0 ? String(format: "%.1f", Double(count) / Double(filed)) : "–"
            }
            return [
                name, "\(work.applied)", "\(work.replayed)", "\(work.refused)", "\(work.published)",
                "\(work.journaled)", "\(work.journaledBytes / 1024)", "\(work.rowsWritten)",
                "\(work.jsonEncodes)", "\(work.jsonDecodes)", perHousehold(work.applied),
                perHousehold(work.journaled), filed > 0 ? "\(work.journaledBytes / Int64(filed))" : "–",
                perHousehold(work.rowsWritten), perHousehold(work.jsonEncodes), perHousehold(work.jsonDecodes),
            ]
        }
        for agency in Agency.allCases {
            guard let status = statuses[agency] else { continue }
            let work = ServiceWork(status)
            total = total + work
            rows.append(row(agency.rawValue, work))
        }
        rows.append(row("total", total))
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            "  "
                + cells.indices.map { column in
                    let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                    return column == 0 ? cells[column] + padding : padding + cells[column]
                }.joined(separator: "  ") + "\n"
        }
        return "Work per service since it started (\(filed) households filed; /hh: per household filed):\n"
            + line(header) + rows.map(line).joined()
    }
}
