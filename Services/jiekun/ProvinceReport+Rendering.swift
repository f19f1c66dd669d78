import HouseholdDomain
import ReliefProgramme

extension ProvinceReport {
    /// The report as text: per prefecture, files by category, measures delivered and exits per year against the
    /// 30 % target; the province; per department, measures and yuan; money per measure.
    func render(to output: inout Terminal) {
        let yearHeaders = province.years.map { "\($0.year)".padded(14, right: true) }.joined()
        output.write(
            "  " + "prefecture".padded(22) + "files".padded(7, right: true) + "  cat 1/2/3".padded(19) + yearHeaders
                + "exited".padded(14, right: true) + "\n")
        for row in prefectures + [province] {
            let name = row.code == "530000" ? "province" : row.name
            let display = name.padded(22 - name.unicodeScalars.filter { $0.value > 0x2E80 }.count)
            let categories = row.filesByCategory.map(String.init).joined(separator: "/")
            let years = row.years.map { year -> String in
                guard let perMille = year.exitRatePerMille else { return "-".padded(14, right: true) }
                let mark = ProvinceReport.targetYears.contains(year.year) ? (year.meetsTarget ? " ✓" : " ✗") : "  "
                return "\(year.exits) \(perMille / 10).\(perMille % 10)%\(mark)".padded(14, right: true)
            }
            let opened = max(row.filesOpened, 1)
            let cumulative = (row.cumulativeExits * 1000 + opened / 2) / opened
            output.write(
                "  " + display + String(row.filesOpened).padded(7, right: true) + "  " + categories.padded(17)
                    + years.joined()
                    + "\(row.cumulativeExits) \(cumulative / 10).\(cumulative % 10)%".padded(14, right: true) + "\n")
        }
        output.write(
            """
              Each year: exits in the year, then the exit rate = exits ÷ (files open on 1 January + files opened in
              the year); ✓/✗: the 30 % target of §2.1 for 2017–2019. exited: all exits ÷ all files ever opened (the
              "all by the end of 2020" goal).

            """)
        output.write(
            """

            Agencies (policy §4.2; money from each agency's own budgets, §5.2):
              triggered: measures in the plans it leads; delivered: measures it delivered (housing also delivers the
              rental subsidies and rent reductions that replace or follow a unit); replaced: public rental replaced
              by a rental subsidy; refused: refused by the department (review mode: by staff, with the reason; the
              dimension it guarantees stays open); withdrawn: still waiting for money when the file closed; overdue:
              delivered after its due date (filing date + processing days) — in auto mode, because that year's
              budget was spent and the measure waited for the next year's — or not at all; yuan: paid from its
              budgets (the union pays the mutual-aid fee of categories 1–2 and the Golden Autumn grant for the
              departments that lead them).

            """)
        output.write(
            "  " + "agency".padded(20) + "triggered".padded(10, right: true) + "delivered".padded(10, right: true)
                + "replaced".padded(9, right: true) + "refused".padded(8, right: true)
                + "withdrawn".padded(10, right: true) + "overdue".padded(8, right: true)
                + "yuan".padded(16, right: true) + "\n")
        for figures in departments {
            output.write(
                "  " + figures.department.rawValue.padded(20) + String(figures.triggered).padded(10, right: true)
                    + String(figures.delivered).padded(10, right: true)
                    + String(figures.replaced).padded(9, right: true) + String(figures.refused).padded(8, right: true)
                    + String(figures.withdrawn).padded(10, right: true)
                    + String(figures.overdue).padded(8, right: true) + figures.yuan.description.padded(16, right: true)
                    + "\n")
        }
        output.write("\nMoney by measure:\n")
        for line in money {
            output.write(
                "  " + line.measure.rawValue.padded(30) + "\(line.payments) payments".padded(16, right: true)
                    + "\(line.yuan) yuan".padded(20, right: true) + "\n")
        }
    }
}
