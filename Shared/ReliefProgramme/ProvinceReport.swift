import HouseholdDomain

/// The coordinator's provincial report (policy §2.1, §5.2; Part B "Reports"): per prefecture and year, files open
/// on 1 January, new files, exits and the exit rate against the 30 % target; per department, measures and money.
public struct ProvinceReport: Sendable, Hashable, Codable {
    /// The yearly target of §2.1: at least 30 % of the households on file exit each year.
    public static let targetPercent = 30
    /// The years the 30 % target applies to (§2.1: 2017, 2018 and 2019; by the end of 2020 all are done).
    public static let targetYears = 2017...2019

    /// One prefecture (or the province) in one year.
    public struct Year: Sendable, Hashable, Codable {
        /// The calendar year.
        public var year: Int
        /// Files open on 1 January: filed before that day and not exited before it.
        public var openAtStart: Int
        /// Files opened during the year.
        public var newFiles: Int
        /// Files closed as exited during the year (by exit date).
        public var exits: Int

        /// `exits ÷ (openAtStart + newFiles)` in per mille, rounded half up; `nil` with no files.
        public var exitRatePerMille: Int? {
            let base = openAtStart + newFiles
            return base == 0 ? nil : (exits * 2000 + base) / (2 * base)
        }

        /// Whether the exit rate reaches the 30 % target (`exits × 100 ≥ 30 × files`), exactly.
        public var meetsTarget: Bool {
            let base = openAtStart + newFiles
            return base > 0 && exits * 100 >= ProvinceReport.targetPercent * base
        }
    }

    /// One prefecture's figures.
    public struct Prefecture: Sendable, Hashable, Codable {
        /// Six-digit code (`530000` for the province).
        public var code: String
        /// Name.
        public var name: String
        /// Filed households by category (1, 2, 3).
        public var filesByCategory: [Int]
        /// Measures delivered to its households.
        public var measuresDelivered: Int
        /// The years of the report.
        public var years: [Year]
        /// Exits over all years.
        public var cumulativeExits: Int
        /// Files ever opened.
        public var filesOpened: Int
    }

    /// One department's measures and money.
    public struct DepartmentFigures: Sendable, Hashable, Codable {
        /// The department.
        public var department: Department
        /// Instances in the households' plans that it leads.
        public var triggered: Int
        /// Decisions made (granted, refused, replaced or withdrawn).
        public var decided: Int
        /// Delivered.
        public var delivered: Int
        /// Refused.
        public var refused: Int
        /// Replaced by another measure (public rental by the rental subsidy).
        public var replaced: Int
        /// Withdrawn (file closed while waiting).
        public var withdrawn: Int
        /// Granted but delivered after the due date, or not delivered.
        public var overdue: Int
        /// Yuan paid from its budgets.
        public var yuan: Yuan
    }

    /// Money per measure (§5.2: every yuan traceable to a household and a measure).
    public struct MeasureMoney: Sendable, Hashable, Codable {
        /// The measure.
        public var measure: Measure.Code
        /// Deliveries that paid money.
        public var payments: Int
        /// Yuan paid.
        public var yuan: Yuan
    }

    /// The prefectures, in the reference list's order.
    public var prefectures: [Prefecture]
    /// The province as a whole.
    public var province: Prefecture
    /// The departments that decide measures.
    public var departments: [DepartmentFigures]
    /// Money per measure.
    public var money: [MeasureMoney]

    /// Builds the report from the filed households.
    ///
    /// - Parameters:
    ///   - files: every filed household with its decisions and exit.
    ///   - years: the report's years (the policy's budget years).
    ///   - counties: prefecture names and order.
    public init(files: [ProgrammeRun.FiledHousehold], years: [Int], counties: CountyRegistry = .yunnan) {
        let byPrefecture = Dictionary(grouping: files, by: \.assessment.prefectureCode)
        func figures(code: String, name: String, files: [ProgrammeRun.FiledHousehold]) -> Prefecture {
            var byCategory = [0, 0, 0]
            var delivered = 0
            var rows = years.map { Year(year: $0, openAtStart: 0, newFiles: 0, exits: 0) }
            var exits = 0
            for file in files {
                if let category = file.assessment.category { byCategory[category.rawValue - 1] += 1 }
                delivered += file.decisions.filter { $0.status == .granted && $0.deliveredOn != nil }.count
                let filed = file.assessment.filedOn
                let exit = file.readiness.exitDate
                if exit != nil { exits += 1 }
                for index in rows.indices {
                    let start = LocalDate.startOfYear(rows[index].year)
                    let end = LocalDate.startOfYear(rows[index].year + 1)
                    if filed < start && (exit.map { $0 >= start } ?? true) { rows[index].openAtStart += 1 }
                    if filed >= start && filed < end { rows[index].newFiles += 1 }
                    if let exit, exit >= start, exit < end { rows[index].exits += 1 }
                }
            }
            return Prefecture(
                code: code, name: name, filesByCategory: byCategory, measuresDelivered: delivered, years: rows,
                cumulativeExits: exits, filesOpened: files.count)
        }
        prefectures = counties.prefectures.map {
            figures(code: $0.code, name: $0.name, files: byPrefecture[$0.code] ?? [])
        }
        province = figures(code: "530000", name: "云南省", files: files)

        var departmentFigures: [Department: DepartmentFigures] = [:]
        var money: [Measure.Code: MeasureMoney] = [:]
        for department in Department.allCases where department != .union && department != .coordinator {
            departmentFigures[department] = DepartmentFigures(
                department: department, triggered: 0, decided: 0, delivered: 0, refused: 0, replaced: 0, withdrawn: 0,
                overdue: 0, yuan: .zero)
        }
        departmentFigures[.union] = DepartmentFigures(
            department: .union, triggered: 0, decided: 0, delivered: 0, refused: 0, replaced: 0, withdrawn: 0,
            overdue: 0, yuan: .zero)
        for file in files {
            for instance in file.assessment.measures { departmentFigures[instance.code.leadDepartment]?.triggered += 1 }
            for decision in file.decisions {
                let department = decision.department
                departmentFigures[department]?.decided += 1
                switch decision.status {
                case .granted where decision.deliveredOn != nil: departmentFigures[department]?.delivered += 1
                case .refused: departmentFigures[department]?.refused += 1
                case .replaced: departmentFigures[department]?.replaced += 1
                case .withdrawn: departmentFigures[department]?.withdrawn += 1
                default: break
                }
                if decision.isOverdue { departmentFigures[department]?.overdue += 1 }
                if decision.deliveredOn != nil, decision.amount > .zero, let payer = decision.paidBy {
                    departmentFigures[payer]?.yuan += decision.amount
                    var line = money[decision.code] ?? MeasureMoney(measure: decision.code, payments: 0, yuan: .zero)
                    line.payments += 1
                    line.yuan += decision.amount
                    money[decision.code] = line
                }
            }
        }
        departments = Department.allCases.compactMap { departmentFigures[$0] }
        self.money = Measure.Code.allCases.compactMap { money[$0] }
    }
}
