import Foundation
import HouseholdDomain
import ReliefProgramme

/// The dashboard's money table: money paid against appropriations per prefecture, budget year and measure
/// (policy §5.1, §5.2), from the report's ``ProvinceReport/budgets``. Every yuan is the report's, exact (fen as
/// integers, never a floating-point number).
extension Dashboard {
    /// One row of the money table: an area (a prefecture, or the province `530000`) and a measure, or an area's
    /// total over its measures (``measureCode`` empty).
    public struct MoneyRow: Codable, Sendable, Hashable {
        /// The area's six-digit code.
        public var code: String
        /// The area's name.
        public var name: String
        /// The measure (`housing.rental-subsidy`); empty on an area's total.
        public var measureCode: String
        /// The measure's name in the page's language; empty on an area's total.
        public var measure: String
        /// Yuan appropriated: the policy file's opening appropriation, the year's appropriation, every top-up.
        public var appropriated: Yuan
        /// Deliveries that paid money, dated in the year.
        public var payments: Int
        /// Yuan they paid.
        public var paid: Yuan
        /// Measures granted, paying money and not yet paid (待资金), fallen due in the year.
        public var waiting: Int
        /// Their yuan.
        public var waitingYuan: Yuan
        /// `appropriated − paid`.
        public var remaining: Yuan
        /// `paid ÷ appropriated` in per mille, rounded half up; `nil` with nothing appropriated.
        public var paidPerMille: Int?
        /// The share as shown: `62.5%`.
        public var paidShare: String
        /// Whether ``remaining`` is below zero (more paid than this year's lines hold: a payment dated in the year
        /// from an earlier year's money).
        public var overdrawn: Bool
        /// The yuan as shown, with thousands separators: appropriated, paid, waiting, remaining.
        public var shown: Shown
        /// The page of the area's money, empty on rows of that page itself.
        public var href: String

        /// The yuan of a row as shown (`1,300,000.00`).
        public struct Shown: Codable, Sendable, Hashable {
            /// Appropriated.
            public var appropriated: String
            /// Paid.
            public var paid: String
            /// Waiting.
            public var waitingYuan: String
            /// Remaining.
            public var remaining: String
        }

        init(
            code: String, name: String, measure: Measure.Code?, lines: [ProvinceReport.BudgetFigures],
            language: Language, href: String
        ) {
            self.code = code
            self.name = name
            measureCode = measure?.rawValue ?? ""
            self.measure = measure.map { Labels.text(Labels.id(of: $0), language) } ?? ""
            appropriated = lines.reduce(.zero) { $0 + $1.appropriated }
            payments = lines.reduce(0) { $0 + $1.payments }
            paid = lines.reduce(.zero) { $0 + $1.paid }
            waiting = lines.reduce(0) { $0 + $1.waiting }
            waitingYuan = lines.reduce(.zero) { $0 + $1.waitingYuan }
            remaining = appropriated - paid
            paidPerMille =
                appropriated.fen > 0 ? Int((paid.fen * 2000 + appropriated.fen) / (2 * appropriated.fen)) : nil
            paidShare = Labels.percent(paidPerMille)
            overdrawn = remaining < .zero
            shown = Shown(
                appropriated: Dashboard.groupedYuan(appropriated), paid: Dashboard.groupedYuan(paid),
                waitingYuan: Dashboard.groupedYuan(waitingYuan), remaining: Dashboard.groupedYuan(remaining))
            self.href = href
        }
    }

    /// The money page of the province (`/dashboard/money`) or of one prefecture (`/dashboard/money/CODE`), its
    /// JSON (`/api/dashboard/money…`) and CSV.
    public struct MoneyPage: Codable, Sendable, Hashable {
        /// The area's code (`530000`: the province).
        public var code: String
        /// Its name.
        public var name: String
        /// The budget year shown.
        public var year: Int
        /// The years of the report.
        public var years: [Int]
        /// The area's total over its measures.
        public var total: MoneyRow
        /// On the province's page, each prefecture's total, in the reference list's order; else empty.
        public var areas: [MoneyRow]
        /// The area's rows by measure, in the measures' order (only measures with money appropriated, paid or
        /// waiting).
        public var measures: [MoneyRow]
        /// On the province's page, every prefecture's rows by measure (the CSV's body); else empty.
        public var areaMeasures: [MoneyRow]
    }

    /// The money page of an area in a budget year.
    ///
    /// - Parameters:
    ///   - code: `530000` for the province, or a prefecture's code.
    ///   - report: The report.
    ///   - year: The budget year shown.
    ///   - language: The page's language.
    /// - Returns: The page's data, or `nil` for a code that is neither the province nor a prefecture of the report.
    public static func money(_ code: String, of report: ProvinceReport, year: Int, language: Language) -> MoneyPage? {
        let isProvince = code == report.province.code
        guard isProvince || report.prefectures.contains(where: { $0.code == code }) else { return nil }
        let provinceName = Labels.text("dash_province", language)
        let name = isProvince ? provinceName : report.prefectures.first { $0.code == code }?.name ?? code
        let lines = report.budgets.filter { $0.year == year }
        func rows(of area: String, areaName: String) -> [MoneyRow] {
            lines.filter { $0.code == area }.map {
                MoneyRow(code: area, name: areaName, measure: $0.measure, lines: [$0], language: language, href: "")
            }
        }
        let areas =
            isProvince
            ? report.prefectures.map { prefecture in
                MoneyRow(
                    code: prefecture.code, name: prefecture.name, measure: nil,
                    lines: lines.filter { $0.code == prefecture.code }, language: language,
                    href: "/dashboard/money/\(prefecture.code)?year=\(year)")
            } : []
        return MoneyPage(
            code: code, name: name, year: year, years: report.province.years.map(\.year),
            total: MoneyRow(
                code: code, name: name, measure: nil, lines: lines.filter { $0.code == code }, language: language,
                href: ""),
            areas: areas, measures: rows(of: code, areaName: name),
            areaMeasures: isProvince
                ? report.prefectures.flatMap { rows(of: $0.code, areaName: $0.name) } : [])
    }

    /// The money table as CSV rows (header first): on the province's page every prefecture's measures, then the
    /// province's; on a prefecture's, its measures; each area's total after its measures. Yuan as plain decimals
    /// (`1300000.00`), so a spreadsheet reads them as numbers.
    public static func moneyCSVRows(_ page: MoneyPage, language: Language) -> [[String]] {
        let header = [
            "col_year", "col_code", "col_area", "col_measure", "money_col_appropriated", "money_col_payments",
            "money_col_paid", "money_col_waiting", "money_col_waiting_yuan", "money_col_remaining",
            "money_col_paid_share",
        ].map { Labels.text($0, language) }
        let total = Labels.text("money_total", language)
        func fields(_ row: MoneyRow) -> [String] {
            [
                String(page.year), row.code, row.name, row.measureCode.isEmpty ? total : row.measure,
                row.appropriated.description, String(row.payments), row.paid.description, String(row.waiting),
                row.waitingYuan.description, row.remaining.description, row.paidShare,
            ]
        }
        var rows = [header]
        let measureRows = page.areaMeasures + page.measures
        for area in page.areas + [page.total] {
            rows += measureRows.filter { $0.code == area.code }.map(fields)
            rows.append(fields(area))
        }
        return rows
    }

    /// Yuan with thousands separators and two decimals: `1,300,000.00`, `-2,400.00`.
    public static func groupedYuan(_ amount: Yuan) -> String {
        let text = amount.description
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        var whole = String(parts.first ?? "0")
        var groups: [String] = []
        while whole.count > 3 {
            groups.insert(String(whole.suffix(3)), at: 0)
            whole.removeLast(3)
        }
        groups.insert(whole, at: 0)
        let decimals = parts.count > 1 ? "." + parts[1] : ""
        return (negative ? "-" : "") + groups.joined(separator: ",") + decimals
    }
}
