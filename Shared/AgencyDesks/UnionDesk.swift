import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// What the union registry does (policy §4.1, and the union's parts of §4.2.2 and §4.2.3): it keeps the files
/// (一户一档) with their plans, pairs each with a helper (一帮一), publishes each consuming agency's view of a file on
/// its own feed, pays the mutual-aid fee and the Golden Autumn grant when a lead department asks, and takes a file
/// through the exit procedure when the coordinator proposes its exit (``ExitMode``; policy C.4). The plans' decisions are the coordinator's to keep and show
/// (`jiekun household`); the union reads only the requests of the departments whose measures it pays
/// (`requests.medical-insurance`, `requests.education-aid`).
///
/// Intake (``file(_:headers:in:journal:)``) and every applied event run inside one transaction with the journal
/// appends, like every desk.
public struct UnionDesk: AgencyDesk {
    /// The policy applied to every file.
    public let policy: Policy
    /// Helpers per county code, for one-to-one pairing (一帮一), from the union's configuration.
    public let helpers: [String: [String]]
    /// How exits are taken through their procedure (policy C.4): by the demo's simulated staff, or by staff.
    public let exitMode: ExitMode
    private let assessor: Assessor

    /// The agency whose desk this is: the union registry.
    public var agency: Agency { .union }
    /// The feed of the union's support answers.
    public static let supportFeed = Feed.unionSupport.name
    /// The CloudEvents `source` of the union's events.
    public static let source = "/jiekun/union-registry"
    /// The agencies that get a view of every file, each on its own feed `households.<agency>`
    /// (``Feed/households(for:)``), in ``Agency`` order: every agency but the union.
    public static let viewers: [(agency: Agency, feed: String)] = Agency.allCases.compactMap { agency in
        Feed.households(for: agency).map { (agency, $0.name) }
    }

    /// Creates the desk.
    ///
    /// - Parameters:
    ///   - policy: the policy.
    ///   - helpers: helper names per county code (an empty list leaves files of that county unpaired).
    ///   - exitMode: who takes exits through their procedure (``ExitMode/auto``: the demo's simulated staff).
    public init(policy: Policy, helpers: [String: [String]] = [:], exitMode: ExitMode = .auto) {
        self.policy = policy
        self.helpers = helpers
        self.exitMode = exitMode
        self.assessor = Assessor(policy: policy)
    }

    /// Seeds the union's budget lines (mutual-aid fees, Golden Autumn grants) from the policy, once.
    public func seedBudgets(in db: Database) throws {
        try StoredBudgets.seed(
            from: Ledger(policy: policy, measures: AutomaticDecisions.budgetMeasures(of: .union, policy: policy)),
            policy: policy, in: db)
    }

    // MARK: Intake

    /// What the intake answers for one household of an import.
    public enum Filing: Sendable, Hashable {
        /// Filed: the file number and its helper.
        case filed(fileNumber: String, helper: String?, category: Eligibility.Category)
        /// Assessed but not eligible (not filed), with the reasons of §3.
        case notEligible(fileNumber: String, reasons: [String])
        /// Refused, with the same errors `jiekun assess` gives (row, column, value masked, message).
        case refused(fileNumber: String, errors: [ImportIssue])
    }

    /// Files the households of an import (policy §4.1): each valid, eligible household not already on file is
    /// filed, paired with a helper and published to every consuming agency.
    ///
    /// An identity number in another **open** file, or a file number already used, refuses the household with an
    /// error naming the other file (formats: a person is in one open file at a time). A person of a **closed** file may be
    /// filed again (policy Part C.5: a household that falls back is filed again on the same standard): the new file
    /// is linked to the most recently closed file of its persons (``EarlierFile``, carried in `household.registered`;
    /// a relapse, 返困, when that file exited), and must be filed after that file closed.
    /// - Parameters:
    ///   - entries: the households as imported (`HouseholdImporter`), in filing order.
    ///   - headers: the import's headers as written (to name columns in errors).
    ///   - db: a write transaction.
    ///   - journal: the union's journal.
    /// - Returns: one answer per entry, in order.
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func file(
        _ entries: [HouseholdImport.Entry], headers: [HouseholdImport.Column: String], in db: Database,
        journal: Journal
    ) throws -> [Filing] {
        var answers: [Filing] = []
        for entry in entries {
            guard let household = entry.household else {
                answers.append(.refused(fileNumber: entry.fileNumber, errors: entry.errors))
                continue
            }
            let assessment: Assessment
            let earlierFile: EarlierFile?
            switch try vet(household, of: entry, headers: headers, newFile: true, in: db) {
            case .success(let value): (assessment, earlierFile) = value
            case .failure(let refusal):
                answers.append(refusal.filing)
                continue
            }
            guard let category = assessment.category else {
                answers.append(.notEligible(fileNumber: household.fileNumber, reasons: assessment.reasons))
                continue
            }
            let helper = try pairHelper(county: household.divisionCode, in: db)
            try db.execute(
                cached: """
                    INSERT INTO union_files (file_number, division_code, filed_on, household, category, helper, status)
                    VALUES (?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [
                    household.fileNumber, household.divisionCode, household.filedOn.description,
                    try DeskCoding.encode(household), category.rawValue, helper,
                ])
            try countOpenFile(county: household.divisionCode, helper: helper, by: 1, in: db)
            try enrolMembers(of: household, in: db)
            for (agency, feed) in Self.viewers {
                let view = HouseholdView(
                    for: agency, household: household, assessment: assessment, helper: helper,
                    persons: policy.persons)
                try append(
                    HouseholdRegistered(view: view, planVersion: policy.version, earlierFile: earlierFile), to: feed,
                    effectiveOn: household.filedOn, in: db, journal: journal)
            }
            answers.append(.filed(fileNumber: household.fileNumber, helper: helper, category: category))
        }
        return answers
    }

    /// Errors for a household whose file number or identity numbers are already in an open file, with the closed
    /// file its persons were in (for a new file).
    ///
    /// For a new file the file number must be free, no member may be in an open file, and the filing date must be
    /// after the closure of any closed file of its members; the most recently closed of those files (the latest
    /// closure date, then the greatest file number) is the new file's earlier file. For an update, the household's
    /// own members are no conflict, and closed files are none either. Source: policy §4.1 (一户一档), Part C.5.
    private func registerCheck(
        of household: Household, row: Int, memberRows: [Int], headers: [HouseholdImport.Column: String],
        newFile: Bool, in db: Database
    ) throws -> (errors: [ImportIssue]?, earlierFile: EarlierFile?) {
        var errors: [ImportIssue] = []
        if newFile,
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM union_files WHERE file_number = ?"),
                arguments: [household.fileNumber]) == true
        {
            errors.append(
                ImportIssue(
                    code: "register.file_number.exists", row: row,
                    column: headers[.fileNumber] ?? HouseholdImport.Column.fileNumber.rawValue,
                    value: household.fileNumber,
                    message: "此档案编号已在登记册中 (a file with this number is already on the register)"))
        }
        var earlier: (file: String, division: String, reason: String, closedOn: String)?
        for (index, member) in household.members.enumerated() {
            let memberRow = memberRows.indices.contains(index) ? memberRows[index] : row
            let column = headers[.idNumber] ?? HouseholdImport.Column.idNumber.rawValue
            for other in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT f.file_number, f.status, f.division_code, f.closed_reason, f.closed_on
                        FROM union_members m JOIN union_files f ON f.file_number = m.file_number
                        WHERE m.identity_number = ? AND m.file_number != ?
                        """),
                arguments: [member.identityNumber.value, household.fileNumber])
            {
                let fileNumber: String = other[0]
                guard other[1] as String == "closed" else {
                    errors.append(
                        ImportIssue(
                            code: "register.id_number.on_file", row: memberRow, column: column,
                            value: member.identityNumber.masked,
                            message: "此人已在未关闭的档案 \(fileNumber) 中；一人同时只能在一个未关闭的档案中 "
                                + "(this person is already on the register in file \(fileNumber), which is open; "
                                + "a person is in one open file at a time)"))
                    continue
                }
                guard newFile, let reason: String = other[3], let closedOn: String = other[4] else { continue }
                if let date = LocalDate(closedOn), household.filedOn <= date {
                    errors.append(
                        ImportIssue(
                            code: "register.id_number.closed_later", row: memberRow, column: column,
                            value: member.identityNumber.masked,
                            message: "此人的档案 \(fileNumber) 于\(date.chinese)关闭；新档案须在此日期之后建立 "
                                + "(this person's file \(fileNumber) closed on \(date); a new file must be filed after "
                                + "that date)"))
                    continue
                }
                let candidate = (file: fileNumber, division: other[2] as String, reason: reason, closedOn: closedOn)
                if earlier.map({ ($0.closedOn, $0.file) < (candidate.closedOn, candidate.file) }) ?? true {
                    earlier = candidate
                }
            }
        }
        if !errors.isEmpty { return (errors, nil) }
        guard let earlier else { return (nil, nil) }
        guard let reason = FileClosure.Reason(rawValue: earlier.reason), let closedOn = LocalDate(earlier.closedOn)
        else {
            throw DatabaseError(message: "union_files \(earlier.file): a closure Jiekun does not write")
        }
        return (
            nil,
            EarlierFile(
                fileNumber: earlier.file,
                prefectureCode: CountyRegistry.yunnan.county(code: earlier.division)?.prefectureCode ?? "",
                reason: reason, closedOn: closedOn)
        )
    }

    /// A refusal of a household at the intake (``Filing/refused(fileNumber:errors:)``), as an error value.
    private struct Refused: Error {
        let filing: Filing
    }

    /// Checks a valid household against the register and assesses it: its assessment with the closed file its
    /// persons were in (new files only), or the refusal to answer (a register conflict, or no `S` for its
    /// prefecture and year).
    private func vet(
        _ household: Household, of entry: HouseholdImport.Entry, headers: [HouseholdImport.Column: String],
        newFile: Bool, in db: Database
    ) throws -> Result<(Assessment, EarlierFile?), Refused> {
        let check = try registerCheck(
            of: household, row: entry.householdRow, memberRows: entry.memberRows, headers: headers, newFile: newFile,
            in: db)
        if let conflicts = check.errors {
            return .failure(Refused(filing: .refused(fileNumber: household.fileNumber, errors: conflicts)))
        }
        do {
            return .success((try assessor.assess(household), check.earlierFile))
        } catch {
            return .failure(
                Refused(
                    filing: .refused(fileNumber: entry.fileNumber, errors: [issue(error, of: entry, headers: headers)]))
            )
        }
    }

    /// Records each member's identity number as on the register in the household's file.
    private func enrolMembers(of household: Household, in db: Database) throws {
        for member in household.members {
            try db.execute(
                cached: "INSERT INTO union_members (identity_number, file_number) VALUES (?, ?)",
                arguments: [member.identityNumber.value, household.fileNumber])
        }
    }

    /// The error of a household the policy cannot assess (no `S` for its prefecture and year), on its division code.
    private func issue(
        _ error: AssessmentError, of entry: HouseholdImport.Entry, headers: [HouseholdImport.Column: String]
    ) -> ImportIssue {
        ImportIssue(
            code: error.code, row: entry.householdRow,
            column: headers[.divisionCode] ?? HouseholdImport.Column.divisionCode.rawValue,
            value: entry.facts.divisionCode ?? "", message: error.message)
    }

    /// The county's helper with the fewest open files of the county (ties: the first listed), or `nil` without
    /// helpers.
    private func pairHelper(county: String, in db: Database) throws -> String? {
        guard let names = helpers[county], !names.isEmpty else { return nil }
        var load: [String: Int] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT helper, open_files FROM union_helper_load WHERE division_code = ?"),
            arguments: [county])
        {
            load[row["helper"]] = row["open_files"]
        }
        return names.min { (load[$0] ?? 0) < (load[$1] ?? 0) }
    }

    /// Counts an open file of `county` in its helper's load (`change` 1 when filed or moved in, −1 when closed or
    /// moved out); nothing for a file without a helper.
    private func countOpenFile(county: String, helper: String?, by change: Int, in db: Database) throws {
        guard let helper else { return }
        try db.execute(
            cached: """
                INSERT INTO union_helper_load (division_code, helper, open_files) VALUES (?, ?, ?)
                ON CONFLICT (division_code, helper) DO UPDATE SET open_files = open_files + excluded.open_files
                """,
            arguments: [county, helper, change])
    }

    /// Updates open files with new facts (动态管理, policy §4.1): each household of the import replaces its file's
    /// facts, is assessed again and published as `household.updated` to every agency, which re-evaluates its
    /// measures (new ones decided, those no longer planned withdrawn). Members keep their numbers (matched by
    /// identity number; a new member gets the next number), so per-child measure ids stay stable. A household
    /// that is no longer eligible is closed as re-identified (`notEligible`).
    ///
    /// - Parameters:
    ///   - entries: the households as imported, with the file numbers of open files.
    ///   - headers: the import's headers as written.
    ///   - today: the business date of the update (a file closed as not eligible closes on it).
    ///   - db: a write transaction.
    ///   - journal: the union's journal.
    /// - Returns: one answer per entry: filed (updated), not eligible (closed), or refused with the errors.
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func update(
        _ entries: [HouseholdImport.Entry], headers: [HouseholdImport.Column: String], on today: LocalDate,
        in db: Database, journal: Journal
    ) throws -> [Filing] {
        var answers: [Filing] = []
        for entry in entries {
            guard var household = entry.household else {
                answers.append(.refused(fileNumber: entry.fileNumber, errors: entry.errors))
                continue
            }
            let column = headers[.fileNumber] ?? HouseholdImport.Column.fileNumber.rawValue
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT household, division_code, category, helper, status FROM union_files
                            WHERE file_number = ?
                            """),
                    arguments: [household.fileNumber]),
                row["status"] as String == "open"
            else {
                answers.append(
                    .refused(
                        fileNumber: household.fileNumber,
                        errors: [
                            ImportIssue(
                                code: "register.file_number.not_open", row: entry.householdRow, column: column,
                                value: household.fileNumber,
                                message: "没有此编号的未关闭档案，无可更新 (no open file has this number: nothing to update)")
                        ]))
                continue
            }
            let previous = try DeskCoding.decode(Household.self, from: row["household"])
            let helper: String? = row["helper"]
            let previousCounty: String = row["division_code"]
            // Keep member numbers: the same person keeps hers; a new member gets the next free number.
            var numbers = Dictionary(
                uniqueKeysWithValues: previous.members.map { ($0.identityNumber.value, $0.number) })
            var next = (previous.members.map(\.number).max() ?? 0) + 1
            for index in household.members.indices {
                let id = household.members[index].identityNumber.value
                if let number = numbers[id] {
                    household.members[index].number = number
                } else {
                    household.members[index].number = next
                    numbers[id] = next
                    next += 1
                }
            }
            let assessment: Assessment
            switch try vet(household, of: entry, headers: headers, newFile: false, in: db) {
            case .success(let value): assessment = value.0
            case .failure(let refusal):
                answers.append(refusal.filing)
                continue
            }
            try db.execute(
                cached: """
                    UPDATE union_files SET division_code = ?, filed_on = ?, household = ?, category = ?
                    WHERE file_number = ?
                    """,
                arguments: [
                    household.divisionCode, household.filedOn.description, try DeskCoding.encode(household),
                    // A household no longer eligible keeps its last category: the file closes just below.
                    assessment.category?.rawValue ?? row["category"], household.fileNumber,
                ])
            if previousCounty != household.divisionCode {
                try countOpenFile(county: previousCounty, helper: helper, by: -1, in: db)
                try countOpenFile(county: household.divisionCode, helper: helper, by: 1, in: db)
            }
            try db.execute(
                cached: "DELETE FROM union_members WHERE file_number = ?", arguments: [household.fileNumber])
            try enrolMembers(of: household, in: db)
            guard let category = assessment.category else {
                try close(household.fileNumber, reason: .notEligible, on: today, in: db, journal: journal)
                answers.append(.notEligible(fileNumber: household.fileNumber, reasons: assessment.reasons))
                continue
            }
            for (agency, feed) in Self.viewers {
                let view = HouseholdView(
                    for: agency, household: household, assessment: assessment, helper: helper, persons: policy.persons)
                try append(
                    HouseholdUpdated(view: view), to: feed, effectiveOn: household.filedOn, in: db, journal: journal)
            }
            answers.append(.filed(fileNumber: household.fileNumber, helper: helper, category: category))
        }
        return answers
    }

    /// Closes a file (death, moved away, re-identified, safety net — or exited, on the approval of its exit
    /// procedure) and tells every consuming agency.
    ///
    /// - Returns: whether the file was open.
    /// - Throws: `DatabaseError`, `EncodingError`.
    @discardableResult
    public func close(
        _ fileNumber: String, reason: HouseholdClosed.Reason, on date: LocalDate, in db: Database, journal: Journal
    ) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT division_code, helper FROM union_files WHERE file_number = ? AND status = 'open'"),
                arguments: [fileNumber])
        else { return false }
        try db.execute(
            cached: "UPDATE union_files SET status = 'closed', closed_reason = ?, closed_on = ? WHERE file_number = ?",
            arguments: [reason.rawValue, date.description, fileNumber])
        try countOpenFile(county: row["division_code"], helper: row["helper"], by: -1, in: db)
        try BudgetBook.stopWaiting(fileNumber: fileNumber, in: db)  // a closed file stops its pending payments
        // Every viewer is told of the same closure: one event (one id), on each household feed.
        let closed = try event(
            HouseholdClosed(fileNumber: fileNumber, reason: reason, closedOn: date), effectiveOn: date)
        for (_, feed) in Self.viewers {
            try journal.append(closed, to: feed, in: db)
        }
        return true
    }

    // MARK: Events

    /// Applies one upstream event inside the applying transaction.
    ///
    /// - `support.requested` addressed to the union: pays from the union's budget in the order asked (§4.2.2,
    ///   §4.2.3, §5.2) and answers on `union.support`.
    /// - `household.exit-ready` (coordinator): the exit's proposal (policy C.4); in ``ExitMode/auto`` the simulated
    ///   staff take it through review, publicity and approval at once, and the file closes on the approval date.
    ///
    /// No feed brings the union other types (``Feed/consumed(by:)``; the subscriber refuses a type its feed does
    /// not carry before the desk sees it).
    /// - Throws: ``DeskRefusal`` for an event it cannot use; `DatabaseError`, `DecodingError`.
    public func apply(_ event: CloudEvent, in db: Database, journal: Journal) throws {
        let decoder = EventCoding.makeDecoder()
        switch event.type {
        case SupportRequested.type:
            let requested = try event.decodeData(as: SupportRequested.self, using: decoder)
            let category = try self.category(of: requested.fileNumber, in: db)
            var budgets = StoredBudgets(db, years: try BudgetBook.years(policy: policy, in: db))
            var answers: [SupportAnswer] = []
            for request in requested.requests where request.to == .union {
                guard event.source == "/jiekun/\(request.from.rawValue)" else {
                    throw DeskRefusal(
                        code: "union.support.sender",
                        description: "\(event.source) cannot ask on behalf of \(request.from.rawValue)")
                }
                let answer = try AutomaticDecisions.support(request, category: category, ledger: &budgets)
                try keepBudgetBook(request, answer: answer, fileNumber: requested.fileNumber, in: db)
                answers.append(answer)
            }
            guard !answers.isEmpty else { return }
            let effective = answers.compactMap(\.effectiveOn).max() ?? requested.requests.map(\.dueOn).max()!
            try append(
                SupportProvided(fileNumber: requested.fileNumber, answers: answers), to: Self.supportFeed,
                effectiveOn: effective, in: db, journal: journal)
        case HouseholdExitReady.type:
            guard event.source == CoordinatorDesk.source else {
                throw DeskRefusal(
                    code: "union.exit.sender", description: "exit readiness from \(event.source)")
            }
            let ready = try event.decodeData(as: HouseholdExitReady.self, using: decoder)
            try receiveExitProposal(ready, in: db, journal: journal)
        default:
            throw DeskRefusal(
                code: "desk.type.unexpected", description: "the union does not handle \(event.type)")
        }
    }

    private func category(of fileNumber: String, in db: Database) throws -> Eligibility.Category? {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT category FROM union_files WHERE file_number = ?"), arguments: [fileNumber]
        ).flatMap(Eligibility.Category.init(rawValue:))
    }

    private func append(
        _ payload: some EventPayload, to feed: String, effectiveOn: LocalDate, in db: Database, journal: Journal
    ) throws {
        try journal.append(try event(payload, effectiveOn: effectiveOn), to: feed, in: db)
    }

    /// A new event of the union carrying `payload`.
    private func event(_ payload: some EventPayload, effectiveOn: LocalDate) throws -> CloudEvent {
        try CloudEvent(
            source: Self.source, type: type(of: payload).type, subject: payload.fileNumber,
            effectiveDate: effectiveOn.description, payload: payload, encoder: EventCoding.makeEncoder())
    }
}
