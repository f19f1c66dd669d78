import HouseholdDomain
import ReliefProgramme

extension ProvinceReport {
    /// The report as text: per prefecture, files by category, measures delivered and exits per year against the
    /// 30 % target; the province; per department, measures and yuan; money per measure.
    func render(to output: inout Terminal) {
        let yearHeaders = (province.years.map { "exits \($0.year)".padded(16, right: true) }).joined()
        output.write(
            "  " + "prefecture".padded(30) + "files".padded(7, right: true) + "  cat 1/2/3".padded(19)
                + "delivered".padded(10, right: true) + yearHeaders + "\n")
        for row in prefectures + [province] {
            let name = row.code == "530000" ? "province" : "\(row.code) \(row.name)"
            let display = name.padded(30 - name.unicodeScalars.filter { $0.value > 0x2E80 }.count)
            let categories = row.filesByCategory.map(String.init).joined(separator: "/")
            let years = row.years.map { year -> String in
                guard let perMille = year.exitRatePerMille else { return "-".padded(16, right: true) }
                let mark = year.meetsTarget ? "✓" : "✗"
                return "\(year.exits) \(perMille / 10).\(perMille % 10)% \(mark)".padded(16, right: true)
            }
            output.write(
                "  " + display + String(row.filesOpened).padded(7, right: true) + "  " + categories.padded(17)
                    + String(row.measuresDelivered).padded(10, right: true) + years.joined() + "\n")
        }
        output.write(
            "  (exits in the year ÷ (files open on 1 January + new files); ✓ meets the 30 % target of §2.1)\n")
        output.write("\nDepartments (policy §4.2; money from each agency's budgets, §5.2):\n")
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
