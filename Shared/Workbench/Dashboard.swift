import Foundation
import HouseholdDomain
import ReliefProgramme

/// The coordinator's dashboard as data: what its pages show, its JSON API returns and its CSV exports hold, built
/// from the provincial report (``ProvinceReport``) the coordinator's `report` operation answers. Every figure is
/// the report's; the dashboard adds only the shortfall to the 30 % target (policy §2.1).
public enum Dashboard {
    /// One area (a prefecture or the province) in one year.
    public struct Row: Codable, Sendable, Hashable {
        /// Six-digit code (`530000`: the province).
        public var code: String
        /// Its name.
        public var name: String
        /// Files open on 1 January.
        public var openAtStart: Int
        /// Files opened in the year.
        public var newFiles: Int
        /// Exits in the year.
        public var exits: Int
        /// `openAtStart + newFiles`: the base of the rate.
        public var base: Int
        /// Exit rate in per mille (``ProvinceReport/Year/exitRatePerMille``), `nil` without files.
        public var ratePerMille: Int?
        /// The rate as shown: `28.4%`.
        public var rate: String
        /// Whether the 30 % target is met (exactly: `exits × 100 ≥ 30 × base`).
        public var meets: Bool
        /// Whether the area had files in the year (`base > 0`); without, the target is neither met nor missed.
        public var hasFiles: Bool
        /// Exits still needed to reach 30 %: `⌈30 × base ÷ 100⌉ − exits`, at least 0.
        public var shortfall: Int
        /// Exits under way on 31 December (proposed, in review or 公示, not yet approved; policy C.4); for the
        /// current year, those under way now.
        public var pending: Int
        /// The rate the year reaches if every exit under way is approved in it: `(exits + pending) ÷ base` in per
        /// mille, rounded half up like the rate; `nil` without files.
        public var forecastPerMille: Int?
        /// The forecast as shown: `31.2%`.
        public var forecast: String
        /// The page of the area.
        public var href: String

        init(code: String, name: String, year: ProvinceReport.Year?, href: String) {
            self.code = code
            self.name = name
            openAtStart = year?.openAtStart ?? 0
            newFiles = year?.newFiles ?? 0
            exits = year?.exits ?? 0
            base = openAtStart + newFiles
            ratePerMille = year?.exitRatePerMille
            rate = Labels.percent(ratePerMille)
            meets = year?.meetsTarget ?? false
            hasFiles = base > 0
            shortfall = Dashboard.shortfall(exits: exits, base: base)
            pending = year?.exitsPending ?? 0
            forecastPerMille = Dashboard.perMille(exits + pending, of: base)
            forecast = Labels.percent(forecastPerMille)
            self.href = href
        }
    }

    /// One year's rate of an area, for the years side by side.
    public struct YearCell: Codable, Sendable, Hashable {
        /// The year.
        public var year: Int
        /// Exits in the year.
        public var exits: Int
        /// The rate in per mille, `nil` without files.
        public var ratePerMille: Int?
        /// The rate as shown.
        public var rate: String
        /// Whether the target is met.
        public var meets: Bool
        /// Whether the area had files and missed the target (a year without files is neither).
        public var below: Bool
    }

    /// An area's years side by side.
    public struct YearRow: Codable, Sendable, Hashable {
        /// The area's code.
        public var code: String
        /// Its name.
        public var name: String
        /// One cell per year of the report.
        public var cells: [YearCell]
    }

    /// A link to another year of the same page.
    public struct YearLink: Codable, Sendable, Hashable {
        /// The year.
        public var year: Int
        /// The page of that year.
        public var href: String
        /// Whether it is the year shown.
        public var current: Bool
    }

    /// Why an area is below the target in a year: the report's ``ProvinceReport/Shortfall`` with names in the
    /// page's language.
    public struct WhyBehind: Codable, Sendable, Hashable {
        /// Households blocked by a refusal.
        public struct Blocked: Codable, Sendable, Hashable {
            /// The department (`housing`).
            public var department: String
            /// Its name in the page's language.
            public var departmentName: String
            /// The refusal's reason, as written.
            public var reason: String
            /// Households.
            public var households: Int
        }

        /// Measures waiting for budget or units.
        public struct Waiting: Codable, Sendable, Hashable {
            /// The measure (`housing.public-rental`).
            public var measureCode: String
            /// Its name in the page's language.
            public var measure: String
            /// Measure instances.
            public var measures: Int
        }

        /// Households awaiting a decision.
        public struct Awaiting: Codable, Sendable, Hashable {
            /// The department.
            public var departmentCode: String
            /// Its name in the page's language.
            public var department: String
            /// Households.
            public var households: Int
        }

        /// The area's code.
        public var code: String
        /// Its name.
        public var name: String
        /// The year.
        public var year: Int
        /// The rate as shown.
        public var rate: String
        /// Files still open on 31 December.
        public var stillOpen: Int
        /// Blocked households by department and reason.
        public var blocked: [Blocked]
        /// Waiting measures.
        public var waiting: [Waiting]
        /// Households awaiting a decision.
        public var awaiting: [Awaiting]
        /// Households whose guarantees fall due after the year.
        public var dueLater: Int
        /// Whether ``blocked`` has rows (for the template).
        public var hasBlocked: Bool
        /// Whether ``waiting`` has rows.
        public var hasWaiting: Bool
        /// Whether ``awaiting`` has rows.
        public var hasAwaiting: Bool

        init(_ shortfall: ProvinceReport.Shortfall, name: String, language: Language) {
            code = shortfall.code
            self.name = name
            year = shortfall.year
            rate = Labels.percent(shortfall.exitRatePerMille)
            stillOpen = shortfall.stillOpen
            blocked = shortfall.blocked.map {
                Blocked(
                    department: $0.department.rawValue,
                    departmentName: Labels.text(Labels.id(of: $0.department), language), reason: $0.reason,
                    households: $0.households)
            }
            waiting = shortfall.waiting.map {
                Waiting(
                    measureCode: $0.measure.rawValue, measure: Labels.text(Labels.id(of: $0.measure), language),
                    measures: $0.measures)
            }
            awaiting = shortfall.awaiting.map {
                Awaiting(
                    departmentCode: $0.department.rawValue,
                    department: Labels.text(Labels.id(of: $0.department), language), households: $0.households)
            }
            dueLater = shortfall.dueLater
            hasBlocked = !blocked.isEmpty
            hasWaiting = !waiting.isEmpty
            hasAwaiting = !awaiting.isEmpty
        }
    }

    /// The province page (`/dashboard`, `/api/dashboard`).
    public struct ProvincePage: Codable, Sendable, Hashable {
        /// The year shown.
        public var year: Int
        /// The years of the report (2017–2020).
        public var years: [Int]
        /// The province in the year.
        public var province: Row
        /// Each prefecture in the year, in the reference list's order.
        public var rows: [Row]
        /// Every area's years side by side, the province last.
        public var yearRows: [YearRow]
        /// The areas below the target in the year, and why.
        public var shortfalls: [WhyBehind]
    }

    /// A prefecture's page (`/dashboard/prefecture/CODE`).
    public struct PrefecturePage: Codable, Sendable, Hashable {
        /// The prefecture's code.
        public var code: String
        /// Its name.
        public var name: String
        /// The year shown.
        public var year: Int
        /// The years of the report.
        public var years: [Int]
        /// The prefecture in the year.
        public var row: Row
        /// The prefecture in each year of the report.
        public var yearTable: [YearTableRow]
        /// Why it is below the target in the year, if it is.
        public var shortfalls: [WhyBehind]
        /// Its counties with files, by code, in the year (each row links to the county's page).
        public var counties: [Row]
    }

    /// A county's page (`/dashboard/county/CODE`): the prefecture page's figures for the files of one county.
    public struct CountyPage: Codable, Sendable, Hashable {
        /// The county's code.
        public var code: String
        /// Its name.
        public var name: String
        /// Its prefecture's code.
        public var prefectureCode: String
        /// Its prefecture's name.
        public var prefectureName: String
        /// The year shown.
        public var year: Int
        /// The years of the report.
        public var years: [Int]
        /// The county in the year.
        public var row: Row
        /// The county in each year of the report.
        public var yearTable: [YearTableRow]
        /// Why it is below the target in the year, if it is.
        public var shortfalls: [WhyBehind]
    }

    /// One year of a prefecture's (or a county's) table.
    public struct YearTableRow: Codable, Sendable, Hashable {
        /// The year.
        public var year: Int
        /// Files open on 1 January.
        public var openAtStart: Int
        /// Files opened in the year.
        public var newFiles: Int
        /// Exits in the year.
        public var exits: Int
        /// The rate in per mille.
        public var ratePerMille: Int?
        /// The rate as shown.
        public var rate: String
        /// Whether the target is met.
        public var meets: Bool
        /// Whether there were files in the year (`openAtStart + newFiles > 0`).
        public var hasFiles: Bool
        /// Exits still needed to reach 30 %.
        public var shortfall: Int
        /// Exits under way on 31 December (``Row/pending``).
        public var pending: Int
        /// The rate with the exits under way (``Row/forecastPerMille``).
        public var forecastPerMille: Int?
        /// The forecast as shown.
        public var forecast: String
    }

    /// Exits still needed to reach the 30 % target: `⌈30 × base ÷ 100⌉ − exits`, at least 0 (policy §2.1).
    ///
    /// - Parameters:
    ///   - exits: Exits in the year.
    ///   - base: Files open on 1 January plus files opened in the year.
    /// - Returns: Households.
    public static func shortfall(exits: Int, base: Int) -> Int {
        max(0, (ProvinceReport.targetPercent * base + 99) / 100 - exits)
    }

    /// `part ÷ whole` in per mille, rounded half up (as ``ProvinceReport/Year/exitRatePerMille``); `nil` when
    /// `whole` is 0.
    public static func perMille(_ part: Int, of whole: Int) -> Int? {
        whole == 0 ? nil : (part * 2000 + whole) / (2 * whole)
    }

    /// The year shown when the page names none: the report's latest year up to `today`'s, else its first.
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - today: Today.
    /// - Returns: The year.
    public static func defaultYear(of report: ProvinceReport, today: LocalDate) -> Int {
        let years = report.province.years.map(\.year)
        return years.last(where: { $0 <= today.year }) ?? years.first ?? today.year
    }

    /// The province page of a year.
    ///
    /// - Parameters:
    ///   - report: The report.
    ///   - year: The year shown.
    ///   - language: The page's language.
    /// - Returns: The page's data.
    public static func province(_ report: ProvinceReport, year: Int, language: Language) -> ProvincePage {
        let provinceName = Labels.text("dash_province", language)
        let rows = report.prefectures.map { prefecture in
            Row(
                code: prefecture.code, name: prefecture.name,
                year: prefecture.years.first(where: { $0.year == year }),
                href: "/dashboard/prefecture/\(prefecture.code)?year=\(year)")
        }
        let province = Row(
            code: report.province.code, name: provinceName,
            year: report.province.years.first(where: { $0.year == year }), href: "/dashboard?year=\(year)")
        let yearRows = (report.prefectures + [report.province]).map { area in
            YearRow(
                code: area.code, name: area.code == report.province.code ? provinceName : area.name,
                cells: area.years.map {
                    YearCell(
                        year: $0.year, exits: $0.exits, ratePerMille: $0.exitRatePerMille,
                        rate: Labels.percent($0.exitRatePerMille), meets: $0.meetsTarget,
                        below: $0.exitRatePerMille != nil && !$0.meetsTarget)
                })
        }
        let shortfalls = report.shortfalls.filter { $0.year == year }.map {
            WhyBehind($0, name: $0.code == report.province.code ? provinceName : $0.name, language: language)
        }
        return ProvincePage(
            year: year, years: report.province.years.map(\.year), province: province, rows: rows,
            yearRows: yearRows, shortfalls: shortfalls)
    }

    /// A prefecture's page of a year, or `nil` when the report has no such prefecture.
    ///
    /// - Parameters:
    ///   - code: The prefecture's code.
    ///   - report: The report.
    ///   - year: The year shown.
    ///   - language: The page's language.
    /// - Returns: The page's data.
    public static func prefecture(_ code: String, of report: ProvinceReport, year: Int, language: Language)
        -> PrefecturePage?
    {
        guard let prefecture = report.prefectures.first(where: { $0.code == code }) else { return nil }
        let row = Row(
            code: code, name: prefecture.name, year: prefecture.years.first(where: { $0.year == year }),
            href: "/dashboard/prefecture/\(code)?year=\(year)")
        let shortfalls = report.shortfalls.filter { $0.year == year && $0.code == code }.map {
            WhyBehind($0, name: prefecture.name, language: language)
        }
        let counties = prefecture.counties.map { county in
            Row(
                code: county.code, name: county.name, year: county.years.first(where: { $0.year == year }),
                href: "/dashboard/county/\(county.code)?year=\(year)")
        }
        return PrefecturePage(
            code: code, name: prefecture.name, year: year, years: prefecture.years.map(\.year), row: row,
            yearTable: yearTable(prefecture), shortfalls: shortfalls, counties: counties)
    }

    /// A county's page of a year; a county of the reference list without files shows zeros; `nil` for a code that
    /// is no county of a prefecture of the report.
    ///
    /// - Parameters:
    ///   - code: The county's code.
    ///   - report: The report.
    ///   - year: The year shown.
    ///   - language: The page's language.
    ///   - registry: The reference list of counties (names, prefectures).
    /// - Returns: The page's data.
    public static func county(
        _ code: String, of report: ProvinceReport, year: Int, language: Language, registry: CountyRegistry = .yunnan
    ) -> CountyPage? {
        let known = registry.county(code: code)
        guard
            let prefecture = report.prefectures.first(where: { prefecture in
                prefecture.counties.contains { $0.code == code } || prefecture.code == known?.prefectureCode
            })
        else { return nil }
        let county = prefecture.counties.first { $0.code == code }
        let name = county?.name ?? known?.name ?? code
        let row = Row(
            code: code, name: name, year: county?.years.first(where: { $0.year == year }),
            href: "/dashboard/county/\(code)?year=\(year)")
        let shortfalls = report.countyShortfalls.filter { $0.year == year && $0.code == code }.map {
            WhyBehind($0, name: name, language: language)
        }
        let table =
            county.map(yearTable)
            ?? prefecture.years.map {
                YearTableRow(
                    year: $0.year, openAtStart: 0, newFiles: 0, exits: 0, ratePerMille: nil, rate: Labels.percent(nil),
                    meets: false, hasFiles: false, shortfall: 0, pending: 0, forecastPerMille: nil,
                    forecast: Labels.percent(nil))
            }
        return CountyPage(
            code: code, name: name, prefectureCode: prefecture.code, prefectureName: prefecture.name, year: year,
            years: prefecture.years.map(\.year), row: row, yearTable: table, shortfalls: shortfalls)
    }

    /// An area's years as table rows.
    private static func yearTable(_ area: ProvinceReport.Prefecture) -> [YearTableRow] {
        area.years.map { entry in
            let base = entry.openAtStart + entry.newFiles
            let forecast = perMille(entry.exits + entry.exitsPending, of: base)
            return YearTableRow(
                year: entry.year, openAtStart: entry.openAtStart, newFiles: entry.newFiles, exits: entry.exits,
                ratePerMille: entry.exitRatePerMille, rate: Labels.percent(entry.exitRatePerMille),
                meets: entry.meetsTarget, hasFiles: base > 0, shortfall: shortfall(exits: entry.exits, base: base),
                pending: entry.exitsPending, forecastPerMille: forecast, forecast: Labels.percent(forecast))
        }
    }

    /// The province page's prefecture table as CSV rows (header first), the province last.
    public static func csvRows(_ page: ProvincePage, language: Language) -> [[String]] {
        let header = [
            "col_code", "col_prefecture", "col_open_at_start", "col_new_files", "col_exits", "col_rate",
            "col_target", "col_shortfall", "col_pending", "col_forecast",
        ].map { Labels.text($0, language) }
        return [header]
            + (page.rows + [page.province]).map { row in
                [
                    row.code, row.name, String(row.openAtStart), String(row.newFiles), String(row.exits), row.rate,
                    target(row.hasFiles, meets: row.meets, language: language), String(row.shortfall),
                    String(row.pending), row.forecast,
                ]
            }
    }

    /// The years side by side as CSV rows: each area, then each year's exits and rate.
    public static func yearsCSVRows(_ page: ProvincePage, language: Language) -> [[String]] {
        let header =
            [Labels.text("col_code", language), Labels.text("col_prefecture", language)]
            + page.years.flatMap { year in
                ["\(year) \(Labels.text("col_exits", language))", "\(year) \(Labels.text("col_rate", language))"]
            }
        return [header]
            + page.yearRows.map { row in
                [row.code, row.name] + row.cells.flatMap { [String($0.exits), $0.rate] }
            }
    }

    /// A prefecture's years as CSV rows.
    public static func csvRows(_ page: PrefecturePage, language: Language) -> [[String]] {
        yearsCSVRows(page.yearTable, language: language)
    }

    /// A county's years as CSV rows.
    public static func csvRows(_ page: CountyPage, language: Language) -> [[String]] {
        yearsCSVRows(page.yearTable, language: language)
    }

    /// A prefecture's counties in the year as CSV rows (header first), the prefecture last.
    public static func countiesCSVRows(_ page: PrefecturePage, language: Language) -> [[String]] {
        let header = [
            "col_code", "col_county", "col_open_at_start", "col_new_files", "col_exits", "col_rate", "col_target",
            "col_shortfall", "col_pending", "col_forecast",
        ].map { Labels.text($0, language) }
        return [header]
            + (page.counties + [page.row]).map { row in
                [
                    row.code, row.name, String(row.openAtStart), String(row.newFiles), String(row.exits), row.rate,
                    target(row.hasFiles, meets: row.meets, language: language), String(row.shortfall),
                    String(row.pending), row.forecast,
                ]
            }
    }

    /// The target column's text: met, not met, or `-` for an area without files in the year.
    private static func target(_ hasFiles: Bool, meets: Bool, language: Language) -> String {
        hasFiles ? Labels.text(meets ? "meets_yes" : "meets_no", language) : "-"
    }

    private static func yearsCSVRows(_ yearTable: [YearTableRow], language: Language) -> [[String]] {
        let header = [
            "col_year", "col_open_at_start", "col_new_files", "col_exits", "col_rate", "col_target", "col_shortfall",
            "col_pending", "col_forecast",
        ].map { Labels.text($0, language) }
        return [header]
            + yearTable.map { row in
                [
                    String(row.year), String(row.openAtStart), String(row.newFiles), String(row.exits), row.rate,
                    target(row.hasFiles, meets: row.meets, language: language), String(row.shortfall),
                    String(row.pending), row.forecast,
                ]
            }
    }
}

/// CSV as Excel opens it in Chinese: UTF-8 with a byte order mark, CRLF line ends, fields quoted when they hold a
/// comma, a quote or a line end (RFC 4180).
public enum CSVExport {
    /// The byte order mark every export starts with.
    public static let byteOrderMark = "\u{FEFF}"

    /// The text of a table.
    ///
    /// - Parameter rows: The rows, header first.
    /// - Returns: The CSV text, starting with the BOM.
    public static func text(_ rows: [[String]]) -> String {
        byteOrderMark + rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    private static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
