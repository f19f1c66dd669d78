/// The policy parameters of one province: everything `docs/POLICY.md` leaves open, as data (DESIGN "Storage and
/// configuration": policy is a versioned data file, not code).
///
/// Loaded from a human-editable YAML file under `deploy/policy/` by ``Policy/load(yaml:source:counties:)``, which
/// refuses a file with gaps. Money in yuan; the minimum living standard `S` in yuan per person per month.
public struct Policy: Sendable {
    /// A name for people, e.g. `Yunnan (云政办发〔2017〕20号)`.
    public var name: String
    /// The file's version, e.g. `2017.2`; reports and events name it.
    public var version: String
    /// The multiples and switches of §3.
    public var eligibility: EligibilityParameters
    /// Ages that decide working age (policy Part B, "Persons and household facts").
    public var persons: PersonParameters
    /// Each measure's amount and processing time.
    public var measures: [Measure.Code: MeasureTerms]
    /// Per prefecture (six-digit code) and year: `S`, public-rental units and budgets.
    public var prefectures: [String: PrefectureParameters] {
        didSet { budgetYears = Self.budgetYears(of: prefectures) }
    }
    /// The years that have units and budgets, in order (kept with ``prefectures``: the desks read them for every
    /// budget draw).
    public private(set) var budgetYears: [Int]
    /// Maker-checker: second approvers and refusal reasons (policy C.6); ``MakerChecker/standard`` when the file
    /// has no `makerChecker` section.
    public var makerChecker = MakerChecker.standard
    /// The working days deadlines count on (policy C.7); weekends only when the file names no `workingCalendar`.
    public var workingCalendar = WorkingCalendar.weekendsOnly
    /// The exit procedure's parameters (policy C.4); ``ExitProcedure/standard`` without an `exitProcedure` section.
    public var exitProcedure = ExitProcedure.standard
    /// Follow-up after exit (policy C.5); ``FollowUp/standard`` without a `followUp` section.
    public var followUp = FollowUp.standard

    /// Creates a policy.
    init(
        name: String, version: String, eligibility: EligibilityParameters, persons: PersonParameters,
        measures: [Measure.Code: MeasureTerms], prefectures: [String: PrefectureParameters]
    ) {
        self.name = name
        self.version = version
        self.eligibility = eligibility
        self.persons = persons
        self.measures = measures
        self.prefectures = prefectures
        self.budgetYears = Self.budgetYears(of: prefectures)
    }

    /// The multiples and switches of policy §3.
    public struct EligibilityParameters: Sendable, Hashable {
        /// `k2`: category 2 takes `S ≤ pc ≤ k2·S` (policy §3.2; default 1.5, the ACFTU file standard).
        public var category2UpperMultiple: Multiple
        /// Category 3 takes `pc ≤ m·S` (policy §3.3; 3).
        public var category3UpperMultiple: Multiple
        /// Whether categories 2 and 3 also need `(income − special expenses) ÷ size ≤ S` (policy §3, "in
        /// difficulty"; on by default).
        public var expenseAdjustedTest: Bool

        /// Creates the parameters.
        public init(category2UpperMultiple: Multiple, category3UpperMultiple: Multiple, expenseAdjustedTest: Bool) {
            self.category2UpperMultiple = category2UpperMultiple
            self.category3UpperMultiple = category3UpperMultiple
            self.expenseAdjustedTest = expenseAdjustedTest
        }
    }

    /// Ages of policy Part B.
    public struct PersonParameters: Sendable, Hashable {
        /// Working age starts at this age (16).
        public var workingAgeFrom: Int
        /// Retirement age of men (60).
        public var menRetirementAge: Int
        /// Retirement age of women (50, enterprise workers).
        public var womenRetirementAge: Int

        /// Creates the parameters.
        public init(workingAgeFrom: Int, menRetirementAge: Int, womenRetirementAge: Int) {
            self.workingAgeFrom = workingAgeFrom
            self.menRetirementAge = menRetirementAge
            self.womenRetirementAge = womenRetirementAge
        }

        /// The retirement age for `sex`.
        public func retirementAge(of sex: Sex) -> Int { sex == .male ? menRetirementAge : womenRetirementAge }
    }

    /// What a measure pays and how long it takes.
    public struct MeasureTerms: Sendable, Hashable {
        /// Yuan paid per measure instance (0 for a service that pays nothing).
        public var amount: Yuan
        /// Days from the filing date to delivery when decided by rule (`auto` mode).
        public var processingDays: Int
        /// Where the figures come from (`placeholder: …` when not published).
        public var basis: String

        /// Whether the measure pays money and so draws on a budget (policy §5.2).
        public var paysMoney: Bool { amount > .zero }
    }

    /// One prefecture's parameters.
    public struct PrefectureParameters: Sendable, Hashable {
        /// 昆明市, …
        public var name: String
        /// Per year.
        public var years: [Int: YearParameters]
    }

    /// One prefecture's parameters for one year.
    public struct YearParameters: Sendable, Hashable {
        /// `S`: the urban minimum living standard, yuan per person per month (policy §3).
        public var minimumLivingStandard: Yuan
        /// Where `S` comes from (`published …` or `placeholder: …`).
        public var minimumLivingStandardBasis: String
        /// Public-rental units the prefecture can allocate to filed households that year (policy §4.2.5), or
        /// `nil` for a year outside the budget years.
        public var publicRentalUnits: Int?
        /// Budget (yuan) of each measure that pays money (policy §5.2); empty outside the budget years.
        public var budgets: [Measure.Code: Yuan]
        /// Where the units and budgets come from.
        public var budgetBasis: String
    }

    /// `S` for a prefecture and year: yuan per person per month (policy §3).
    ///
    /// - Returns: `nil` when the policy has no standard for them.
    public func minimumLivingStandard(prefecture: String, year: Int) -> Yuan? {
        prefectures[prefecture]?.years[year]?.minimumLivingStandard
    }

    /// The terms of a measure (every code has terms in a loaded policy).
    public func terms(of code: Measure.Code) -> MeasureTerms {
        guard let terms = measures[code] else { preconditionFailure("policy has no terms for \(code.rawValue)") }
        return terms
    }

    /// The years that have units and budgets, in order.
    private static func budgetYears(of prefectures: [String: PrefectureParameters]) -> [Int] {
        let years = prefectures.values.flatMap { $0.years.filter { $0.value.publicRentalUnits != nil }.keys }
        return Set(years).sorted()
    }
}

extension Policy {
    /// Maker-checker (policy C.6, 不相容岗位相互分离): which approvals need a second approver, and the reasons a
    /// refusal may give.
    public struct MakerChecker: Sendable, Hashable {
        /// A measure whose amount (yuan) is above this needs two approvers, neither of them the proposer (policy
        /// C.6: 5,000 yuan, a project default).
        public var secondApproverAbove: Yuan
        /// Thresholds of single measures, replacing ``secondApproverAbove`` for them.
        public var secondApproverAboveByMeasure: [Measure.Code: Yuan]
        /// The reasons a refusal names (one of them, plus free text); empty: free text only.
        public var refusalReasons: [RefusalReason]

        /// Creates the parameters.
        public init(
            secondApproverAbove: Yuan, secondApproverAboveByMeasure: [Measure.Code: Yuan] = [:],
            refusalReasons: [RefusalReason] = []
        ) {
            self.secondApproverAbove = secondApproverAbove
            self.secondApproverAboveByMeasure = secondApproverAboveByMeasure
            self.refusalReasons = refusalReasons
        }

        /// Policy C.6 as Part C states it: above 5,000 yuan, two approvers; refusals in free text.
        public static let standard = MakerChecker(secondApproverAbove: Yuan(fen: 500_000))

        /// The threshold of a measure.
        public func threshold(of code: Measure.Code) -> Yuan {
            secondApproverAboveByMeasure[code] ?? secondApproverAbove
        }

        /// Whether approving `amount` of `code` needs a second approver: the amount is above the threshold.
        public func needsSecondApprover(_ code: Measure.Code, amount: Yuan) -> Bool { amount > threshold(of: code) }

        /// The refusal reason with this code, `nil` when the list has none.
        public func refusalReason(code: String) -> RefusalReason? { refusalReasons.first { $0.code == code } }
    }

    /// A reason a refusal may give (policy C.6, "who, when and why"), from the policy file's list.
    public struct RefusalReason: Sendable, Hashable, Codable {
        /// The stable code, such as `not-eligible`.
        public var code: String
        /// The text shown to staff, such as 不符合条件.
        public var chinese: String
        /// The English text.
        public var english: String

        /// Creates a reason.
        public init(code: String, chinese: String, english: String) {
            self.code = code
            self.chinese = chinese
            self.english = english
        }
    }
}

extension Policy {
    /// The exit procedure's parameters (policy C.4): proposal, review, publicity (公示), approval, notice.
    public struct ExitProcedure: Sendable, Hashable {
        /// The least number of working days a proposal is published (公示) before it may be approved (C.4: 5).
        public var publicityWorkingDays: Int

        /// Creates the parameters.
        public init(publicityWorkingDays: Int) {
            self.publicityWorkingDays = publicityWorkingDays
        }

        /// Publicity for 5 working days (policy C.4).
        public static let standard = ExitProcedure(publicityWorkingDays: 5)
    }

    /// Follow-up after exit (policy C.5, 回访): how long an exited household is watched and how often it is visited.
    public struct FollowUp: Sendable, Hashable {
        /// Calendar months the household is watched after its exit (12, project default).
        public var months: Int
        /// Calendar months between visits, the first that long after the exit (6).
        public var visitEveryMonths: Int

        /// Creates the parameters.
        public init(months: Int, visitEveryMonths: Int) {
            self.months = months
            self.visitEveryMonths = visitEveryMonths
        }

        /// 12 months, a visit every 6 (policy C.5).
        public static let standard = FollowUp(months: 12, visitEveryMonths: 6)

        /// The visits due after an exit on `exitDate`: every ``visitEveryMonths`` calendar months from the exit
        /// (``LocalDate/adding(months:)``: 2018-03-31 + 6 months = 2018-09-30), while within ``months``.
        ///
        /// - Parameter exitDate: the exit (approval) date.
        /// - Returns: the due dates, in order: 2 with the standard parameters.
        public func visitsDue(after exitDate: LocalDate) -> [LocalDate] {
            guard visitEveryMonths > 0 else { return [] }
            return stride(from: visitEveryMonths, through: months, by: visitEveryMonths).map {
                exitDate.adding(months: $0)
            }
        }
    }
}
