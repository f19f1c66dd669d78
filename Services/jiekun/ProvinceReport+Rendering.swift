import HouseholdDomain
import ReliefProgramme

extension ProvinceReport {
    /// The report as text: per prefecture, files by category, measures delivered and exits per year against the
    /// 30 % target; the province; why each prefecture below the target is behind; each year's denominators,
    /// closures by cause and relapses; per county, exits per year; per department, measures and yuan; money per
    /// measure.
    ///
    /// - Parameters:
    ///   - output: Where to write.
    ///   - year: The year the report was restricted to (``ProvinceReport/restricted(to:)``), for the legend.
    func render(to output: inout Terminal, year: Int? = nil) {
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
        if let year {
            output.write(
                """
                  \(year) only: files opened and exits up to 31 December \(year); the year's exits and exit rate = exits ÷
                  (files open on 1 January + files opened in the year), ✓/✗ against the 30 % target of §2.1; exited:
                  exits up to 31 December ÷ files opened up to then. Agencies and money: the measures of the files
                  filed in \(year), the deliveries and payments dated in \(year), the measures due in \(year).

                """)
        } else {
            output.write(
                """
                  Each year: exits in the year, then the exit rate = exits ÷ (files open on 1 January + files opened
                  in the year); ✓/✗: the 30 % target of §2.1 for 2017–2019. exited: all exits ÷ all files ever opened
                  (the "all by the end of 2020" goal).

                """)
        }
        renderShortfalls(to: &output)
        renderYears(to: &output)
        renderCounties(to: &output)
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

    /// One paragraph per prefecture (and the province) below the 30 % target in a year: what holds back the files
    /// still open on 31 December (policy §2.1, Part B "Reports").
    private func renderShortfalls(to output: inout Terminal) {
        guard !shortfalls.isEmpty else { return }
        output.write("\nBelow the 30 % target, and why (the files still open on 31 December):\n")
        for shortfall in shortfalls {
            let name = shortfall.code == "530000" ? "province" : shortfall.name
            let rate = "\(shortfall.exitRatePerMille / 10).\(shortfall.exitRatePerMille % 10) %"
            output.write("  \(name) \(shortfall.year) (\(rate)): \(shortfall.stillOpen) files still open\n")
            if !shortfall.blocked.isEmpty {
                let causes = shortfall.blocked.map { "\($0.department.rawValue) \"\($0.reason)\" \($0.households)" }
                output.write("    blocked by a refusal (households): \(causes.joined(separator: ", "))\n")
            }
            if !shortfall.waiting.isEmpty {
                let measures = shortfall.waiting.map { "\($0.measure.rawValue) \($0.measures)" }
                output.write("    waiting for budget or units (measures): \(measures.joined(separator: ", "))\n")
            }
            if !shortfall.awaiting.isEmpty {
                let departments = shortfall.awaiting.map { "\($0.department.rawValue) \($0.households)" }
                output.write("    awaiting a decision (households): \(departments.joined(separator: ", "))\n")
            }
            if shortfall.dueLater > 0 {
                output.write("    guarantees due after the year (households): \(shortfall.dueLater)\n")
            }
        }
    }

    /// Each prefecture's (and the province's) years: the denominator's two parts, the closures by cause, the
    /// relapses filed and the relapse rate of the year's exits, the exits pending approval and the visits due (policy
    /// §2.1, Part C.4, C.5; docs/POLICY.md "Reports").
    private func renderYears(to output: inout Terminal) {
        output.write(
            """

            年度明细 Year by year (policy §2.1, Part C.5): 年初在档 open on 1 January (filed before it, not closed
            before it for any reason) + 新建档 new files = the exit rate's denominator; 销档 closures in the year by
            cause: 解困 exited (on the exit date), 死亡 death, 迁出 moved away, 不符合 not eligible, 兜底 safety net;
            返困 relapses filed in the year; 返困率 relapse rate = the year's exits whose household has relapsed since
            ÷ the year's exits; 待批 exits proposed and not yet approved on 31 December (in review or 公示, Part C.4);
            回访 follow-up visits falling due in the year (Part C.5).

            """)
        let columns: [(String, Int)] = [
            ("年份 year", 10), ("年初在档", 10), ("新建档", 8), ("解困", 8), ("死亡", 6), ("迁出", 6),
            ("不符合", 8), ("兜底", 6), ("返困", 6), ("返困率", 10), ("待批", 8), ("回访", 8),
        ]
        output.write(
            "  " + "prefecture".padded(22) + columns.map { $0.0.widePadded($0.1, right: true) }.joined() + "\n")
        for row in prefectures + [province] where row.filesOpened > 0 {
            let name = row.code == "530000" ? "province" : row.name
            for year in row.years {
                let rate = year.relapseRatePerMille.map { "\(year.relapsedExits) \($0 / 10).\($0 % 10)%" } ?? "-"
                let cells = [
                    "\(year.year)", "\(year.openAtStart)", "\(year.newFiles)", "\(year.exits)", "\(year.deaths)",
                    "\(year.movedAway)", "\(year.notEligible)", "\(year.safetyNet)", "\(year.relapses)", rate,
                    "\(year.exitsPending)", "\(year.visitsDue)",
                ]
                output.write(
                    "  " + name.widePadded(22) + zip(cells, columns).map { $0.padded($1.1, right: true) }.joined()
                        + "\n")
            }
        }
    }

    /// Each prefecture's counties with files: files opened, then per year the exits and the exit rate (policy
    /// §2.1, §5.1 分级负责: the county is where the work is done).
    private func renderCounties(to output: inout Terminal) {
        guard prefectures.contains(where: { !$0.counties.isEmpty }) else { return }
        let yearHeaders = province.years.map { "\($0.year)".padded(14, right: true) }.joined()
        output.write(
            "\n各县（区）Counties: files opened, then per year the exits and the exit rate (as for prefectures)\n")
        output.write("  " + "county".padded(44) + "files".padded(7, right: true) + yearHeaders + "\n")
        for prefecture in prefectures {
            for county in prefecture.counties {
                let years = county.years.map { year -> String in
                    guard let perMille = year.exitRatePerMille else { return "-".padded(14, right: true) }
                    return "\(year.exits) \(perMille / 10).\(perMille % 10)%".padded(14, right: true)
                }
                output.write(
                    "  " + "\(prefecture.name) \(county.name)".widePadded(44)
                        + String(county.filesOpened).padded(7, right: true) + years.joined() + "\n")
            }
        }
    }
}

extension String {
    /// Padded to `width` terminal columns, counting a CJK character as two.
    func widePadded(_ width: Int, right: Bool = false) -> String {
        padded(width - unicodeScalars.filter { $0.value > 0x2E80 }.count, right: right)
    }
}
