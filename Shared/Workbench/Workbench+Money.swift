import AgencyDesks
import Foundation
import HouseholdDomain
import Hummingbird
import ReliefProgramme

/// The coordinator's money pages (policy §5.1, §5.2): money paid against appropriations per prefecture, budget year
/// and measure, with its chart, CSV and JSON, from the same `report` operation as the rest of the dashboard (same
/// roles, same audit).
extension Workbench {
    /// Registers `/dashboard/money`, `/dashboard/money.csv`, `/api/dashboard/money` (the province) and
    /// `/dashboard/money/CODE`, `/dashboard/money/CODE/csv`, `/api/dashboard/money/CODE` (a prefecture).
    func addMoneyRoutes(to router: Router<BasicRequestContext>) {
        let workbench = self
        router.get("/dashboard/money") { request, _ in try await workbench.moneyPage(request, code: nil, as: .html) }
        router.get("/dashboard/money.csv") { request, _ in
            try await workbench.moneyPage(request, code: nil, as: .csv)
        }
        router.get("/api/dashboard/money") { request, _ in
            try await workbench.moneyPage(request, code: nil, as: .json)
        }
        router.get("/dashboard/money/:code") { request, context in
            try await workbench.moneyPage(request, code: context.parameters.get("code") ?? "", as: .html)
        }
        router.get("/dashboard/money/:code/csv") { request, context in
            try await workbench.moneyPage(request, code: context.parameters.get("code") ?? "", as: .csv)
        }
        router.get("/api/dashboard/money/:code") { request, context in
            try await workbench.moneyPage(request, code: context.parameters.get("code") ?? "", as: .json)
        }
    }

    /// The money page of the province (`code` `nil`) or of a prefecture. Money is kept per prefecture: a member
    /// of the province sees every page; a member of a prefecture, or of one of its counties, that prefecture's.
    private func moneyPage(_ request: Request, code: String?, as format: Format) async throws -> Response {
        try await withMember(request, json: format == .json) { member, session in
            let language = language(of: request)
            let area = try? StaffArea(code: member.area)
            let code = code ?? "530000"
            let allowed =
                switch area?.level {
                case .province: true
                case .prefecture, .county: area.map { code.count == 6 && code.hasPrefix($0.code.prefix(4)) } ?? false
                case nil: false
                }
            guard allowed else {
                if code == "530000", let area, format == .html {
                    return redirect("/dashboard/money/\(area.code.prefix(4))00", request: request)
                }
                return refusedArea(request, format: format, language: language, member: member, session: session)
            }
            let report: ProvinceReport
            switch try await dashboardReport(request, member: member, session: session, format: format) {
            case .report(let value): report = value
            case .refused(let response): return response
            }
            let year = selectedYear(request, report: report)
            guard let data = Dashboard.money(code, of: report, year: year, language: language) else {
                return notFound(request, language: language, member: member, session: session)
            }
            let path = code == "530000" ? "/dashboard/money" : "/dashboard/money/\(code)"
            switch format {
            case .json: return try jsonResponse(data)
            case .csv, .yearsCSV, .countiesCSV:
                return csv(Dashboard.moneyCSVRows(data, language: language), name: "jiekun-money-\(code)-\(year).csv")
            case .html:
                let bars = (data.areas.isEmpty ? data.measures : data.areas) + [data.total]
                let chart = Charts.money(
                    bars.map {
                        Charts.MoneyBar(
                            label: $0.measureCode.isEmpty || !data.areas.isEmpty ? $0.name : $0.measure,
                            appropriated: $0.appropriated, paid: $0.paid, waiting: $0.waitingYuan)
                    },
                    title: Labels.text("money_chart_title", language) + " \(data.name) \(year)",
                    paidLabel: Labels.text("money_col_paid", language),
                    remainingLabel: Labels.text("money_col_remaining", language),
                    waitingLabel: Labels.text("money_col_waiting_yuan", language))
                let body = render(
                    "money",
                    [
                        "code": data.code, "name": data.name, "year": year, "total": data.total,
                        "areas": data.areas, "hasAreas": !data.areas.isEmpty, "measures": data.measures,
                        "hasMeasures": !data.measures.isEmpty, "chart": chart, "today": today(language),
                        "isProvince": code == "530000", "provinceLink": "/dashboard/money?year=\(year)",
                        "progressLink": code == "530000"
                            ? "/dashboard?year=\(year)" : "/dashboard/prefecture/\(code)?year=\(year)",
                        "yearLinks": data.years.map {
                            Dashboard.YearLink(year: $0, href: "\(path)?year=\($0)", current: $0 == year)
                        },
                        "csvLink": code == "530000"
                            ? "/dashboard/money.csv?year=\(year)" : "/dashboard/money/\(code)/csv?year=\(year)",
                        "jsonLink": "/api\(path)?year=\(year)",
                    ], language: language)
                return page(
                    body, title: "\(data.name) · " + Labels.text("money_title", language), request: request,
                    language: language, member: member, csrf: session.csrf)
            }
        }
    }
}
