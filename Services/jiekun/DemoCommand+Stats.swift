import Foundation
import HouseholdDomain
import ServiceRuntime

extension DemoCommand {
    /// One service's work since it started, from its `status` report and its store's size: what every later change
    /// to the pipeline costs shows here (issue 18, "count before cutting").
    struct ServiceWork: Codable, Equatable {
        /// Events received, every consumed feed (applied and refused, live and replayed).
        var received: Int64 = 0
        /// Of those received, the events received by replay.
        var replayed: Int64 = 0
        /// Events applied.
        var applied: Int64 = 0
        /// Of those refused, the events applied before (a re-delivery skipped).
        var duplicates: Int64 = 0
        /// Events and messages refused, duplicates included.
        var refused: Int64 = 0
        /// Events sent live by its publisher.
        var published: Int64 = 0
        /// Entries appended to its journal.
        var journaled: Int64 = 0
        /// Bytes of those entries (each event's JSON as stored).
        var journaledBytes: Int64 = 0
        /// Rows its store inserted, updated and deleted.
        var rowsWritten: Int64 = 0
        /// Transactions its store committed.
        var transactions: Int64 = 0
        /// JSON documents (payloads, stored JSON) its streaming coders wrote and read.
        var jsonEncodes: Int64 = 0
        var jsonDecodes: Int64 = 0
        /// CloudEvents envelopes it wrote and read.
        var envelopeEncodes: Int64 = 0
        var envelopeDecodes: Int64 = 0
        /// Requests its request server executed or answered from the store (the demo's `status` polls included).
        var requests: Int64 = 0
        /// Bytes of its store on disk (database file and write-ahead log) when the table is made.
        var storeBytes: Int64 = 0

        /// Sums the feeds and request servers of a report.
        ///
        /// - Parameters:
        ///   - status: The service's report.
        ///   - storeBytes: Its store's size in bytes.
        init(_ status: StatusReport, storeBytes: Int64) {
            for counts in status.feeds.values {
                received += counts.applied + counts.refused
                replayed += counts.replayed
                applied += counts.applied
                duplicates += counts.duplicates ?? 0
                refused += counts.refused
                published += counts.published
            }
            journaled = status.journaled ?? 0
            journaledBytes = status.journaledBytes ?? 0
            rowsWritten = status.rowsWritten ?? 0
            transactions = status.transactions ?? 0
            jsonEncodes = status.jsonEncodes ?? 0
            jsonDecodes = status.jsonDecodes ?? 0
            envelopeEncodes = status.envelopeEncodes ?? 0
            envelopeDecodes = status.envelopeDecodes ?? 0
            requests = status.requests.values.reduce(0) { $0 + $1.executed + $1.replayed }
            self.storeBytes = storeBytes
        }

        init() {}

        /// The counts, in the tables' column order (after the service's name).
        var counts: [Int64] {
            [
                received, replayed, applied, duplicates, refused, published, journaled, journaledBytes, rowsWritten,
                transactions, jsonEncodes, jsonDecodes, envelopeEncodes, envelopeDecodes, requests, storeBytes,
            ]
        }

        static func + (left: Self, right: Self) -> Self {
            var sum = left
            sum.received += right.received
            sum.replayed += right.replayed
            sum.applied += right.applied
            sum.duplicates += right.duplicates
            sum.refused += right.refused
            sum.published += right.published
            sum.journaled += right.journaled
            sum.journaledBytes += right.journaledBytes
            sum.rowsWritten += right.rowsWritten
            sum.transactions += right.transactions
            sum.jsonEncodes += right.jsonEncodes
            sum.jsonDecodes += right.jsonDecodes
            sum.envelopeEncodes += right.envelopeEncodes
            sum.envelopeDecodes += right.envelopeDecodes
            sum.requests += right.requests
            sum.storeBytes += right.storeBytes
            return sum
        }
    }

    /// The work of every service, what `--stats-json` writes and the work tables print.
    struct WorkStatistics: Codable, Equatable {
        /// The households the union filed (the caseload's and the relapses'): per-household figures divide by it.
        var households: Int
        /// Service name → its work, in ``Agency`` order when printed.
        var services: [String: ServiceWork]
        /// Service name → consumed or published feed → its counts (per upstream feed: applied, refused,
        /// duplicates, replayed; per own feed: published).
        var feeds: [String: [String: StatusReport.FeedCounts]]
        /// The sum of every service's work.
        var total: ServiceWork

        /// Collects the work from the services' reports.
        ///
        /// - Parameters:
        ///   - statuses: The services' reports once every event is applied.
        ///   - storeBytes: Each service's store size in bytes.
        ///   - households: The households the union filed.
        init(statuses: [Agency: StatusReport], storeBytes: [Agency: Int64], households: Int) {
            self.households = households
            var services: [String: ServiceWork] = [:]
            var feeds: [String: [String: StatusReport.FeedCounts]] = [:]
            var total = ServiceWork()
            for agency in Agency.allCases {
                guard let status = statuses[agency] else { continue }
                let work = ServiceWork(status, storeBytes: storeBytes[agency] ?? 0)
                services[agency.rawValue] = work
                feeds[agency.rawValue] = status.feeds
                total = total + work
            }
            self.services = services
            self.feeds = feeds
            self.total = total
        }

        /// The statistics as JSON for benchmarks (sorted keys, indented).
        ///
        /// - Returns: The JSON bytes.
        /// - Throws: `EncodingError` (not expected).
        func json() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            return try encoder.encode(self)
        }
    }

    /// The columns of the counts table, after `service` (``ServiceWork/counts`` order).
    static let countColumns = [
        "received", "replayed", "applied", "duplicates", "refused", "published", "journaled", "journal-B", "rows",
        "commits", "json-enc", "json-dec", "env-enc", "env-dec", "requests", "store-B",
    ]

    /// The work tables the demo prints after the processor time: a row per service and a total row, first the
    /// counts since each service started, then the same per household filed (two decimals: a
    /// transaction is shared by hundreds of households).
    ///
    /// - Parameter statistics: The services' work.
    /// - Returns: The tables' lines.
    static func workTable(_ statistics: WorkStatistics) -> String {
        let filed = statistics.households
        var named: [(String, ServiceWork)] = Agency.allCases.compactMap { agency in
            statistics.services[agency.rawValue].map { (agency.rawValue, $0) }
        }
        named.append(("total", statistics.total))
        let counts = named.map { name, work in [name] + work.counts.map(String.init) }
        let perHousehold = named.map { name, work in
            [name]
                + work.counts.map { count in
                    filed > 0 ? String(format: "%.2f", Double(count) / Double(filed)) : "–"
                }
        }
        let header = ["service"] + countColumns
        return
            "Work per service since it started (\(filed) households filed; -B: bytes, store: database and WAL now):\n"
            + aligned([header] + counts)
            + "Work per household filed (each count ÷ \(filed)):\n" + aligned([header] + perHousehold)
    }

    /// Lines of cells, the first column left-aligned, the others right-aligned.
    private static func aligned(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { cells in
            "  "
                + cells.indices.map { column in
                    let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                    return column == 0 ? cells[column] + padding : padding + cells[column]
                }.joined(separator: "  ") + "\n"
        }.joined()
    }
}
