import Foundation
import Yams

/// Why a policy file was refused.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as given to the loader.
    public var source: String
    /// The entry, as a dotted path, e.g. `prefectures.530100.years.2018.minimumLivingStandard`.
    public var path: String
    /// What is wrong.
    public var message: String

    public var description: String {
        path.isEmpty ? "policy \(source): \(message)" : "policy \(source), \(path): \(message)"
    }
}

extension Policy {
    /// Loads a policy file (YAML) and checks it has no gaps.
    ///
    /// The file must give: `name`, `version`; `eligibility` (`category2UpperMultiple`, `category3UpperMultiple`,
    /// `expenseAdjustedTest`); `persons` (`workingAgeFrom`, `retirementAge.men`, `retirementAge.women`);
    /// `standardYears: [first, last]` and `budgetYears: [first, last]`; under `measures`, every code of
    /// ``Measure/Code`` with `amount` (yuan), `processingDays`, `basis`; under `prefectures`, every prefecture of
    /// `counties` with `name` and, for every standard year, `minimumLivingStandard` (yuan per person per month)
    /// and `basis`, and for every budget year also `publicRentalUnits`, `budgetBasis` and under `budgets` the
    /// yearly budget (yuan) of every measure whose amount is above zero (policy §5.2).
    ///
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - source: the file's name, for messages.
    ///   - counties: the divisions whose prefectures must all be present.
    ///   - directory: where a file the policy names (`workingCalendar`) is looked for; `nil`: the directory of
    ///     `source`.
    /// - Returns: the policy.
    /// - Throws: ``PolicyError`` naming the first missing or invalid entry.
    ///
    /// Optional sections (policy Part C): `workingCalendar` (a calendar file beside the policy file, C.7; weekends
    /// only without it), `exitProcedure: {publicityWorkingDays}` (C.4, default 5), `followUp: {months,
    /// visitEveryMonths}` (C.5, default 12 and 6).
    public static func load(
        yaml: String, source: String, counties: CountyRegistry = .yunnan, directory: String? = nil
    ) throws(PolicyError) -> Policy {
        let reader = PolicyReader(
            source: source,
            directory: directory ?? URL(fileURLWithPath: source).deletingLastPathComponent().path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw reader.error("", "the file is empty") }
            root = node
        } catch let error as PolicyError {
            throw error
        } catch {
            throw reader.error("", "not valid YAML: \(error)")
        }
        do {
            return try reader.policy(root, counties: counties)
        } catch let error as PolicyError {
            throw error
        } catch {
            throw reader.error("", "\(error)")
        }
    }

    /// Loads a policy file from disk.
    ///
    /// - Parameter path: the file's path.
    /// - Throws: ``PolicyError`` when the file cannot be read or is refused by ``load(yaml:source:counties:)``.
    public static func load(contentsOfFile path: String, counties: CountyRegistry = .yunnan) throws(PolicyError)
        -> Policy
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(source: path, path: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(source: path, path: "", message: "the file is not UTF-8")
        }
        return try load(yaml: text, source: path, counties: counties)
    }
}

/// Reads the YAML node tree, naming each entry by its dotted path in errors.
private struct PolicyReader {
    let source: String
    /// Where files the policy names are read from.
    let directory: String

    func error(_ path: String, _ message: String) -> PolicyError {
        PolicyError(source: source, path: path, message: message)
    }

    /// A YAML mapping by the text of its keys (`"530100"` and `530100` are the same key here).
    typealias Mapping = [String: Node]

    func mapping(_ node: Node?, _ path: String) throws -> Mapping {
        guard let node else { throw error(path, "missing") }
        guard let mapping = node.mapping else { throw error(path, "expected a mapping of keys to values") }
        var keyed: Mapping = [:]
        for (key, value) in mapping {
            guard let text = key.scalar?.string else { throw error(path, "keys must be plain text") }
            guard keyed.updateValue(value, forKey: text) == nil else {
                throw error(join(path, text), "given twice")
            }
        }
        return keyed
    }

    func child(_ mapping: Mapping, _ key: String, _ path: String) throws -> Node {
        guard let node = mapping[key] else { throw error(join(path, key), "missing") }
        return node
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func string(_ mapping: Mapping, _ key: String, _ path: String) throws -> String {
        let node = try child(mapping, key, path)
        guard let text = node.scalar?.string, !text.isEmpty else { throw error(join(path, key), "expected text") }
        return text
    }

    func integer(_ mapping: Mapping, _ key: String, _ path: String, range: ClosedRange<Int>) throws -> Int {
        let text = try string(mapping, key, path)
        guard let value = Int(text), range.contains(value) else {
            throw error(join(path, key), "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func boolean(_ mapping: Mapping, _ key: String, _ path: String) throws -> Bool {
        switch try string(mapping, key, path) {
        case "true": return true
        case "false": return false
        default: throw error(join(path, key), "expected true or false")
        }
    }

    func yuan(_ mapping: Mapping, _ key: String, _ path: String) throws -> Yuan {
        let text = try string(mapping, key, path)
        guard let value = Yuan(text) else {
            throw error(join(path, key), "expected an amount in yuan, at least 0, with at most two decimals")
        }
        return value
    }

    func multiple(_ mapping: Mapping, _ key: String, _ path: String) throws -> Multiple {
        let text = try string(mapping, key, path)
        guard let value = Multiple(text), value.numerator > 0 else {
            throw error(join(path, key), "expected a positive multiple such as 1.5")
        }
        return value
    }

    func yearRange(_ mapping: Mapping, _ key: String) throws -> ClosedRange<Int> {
        let node = try child(mapping, key, "")
        guard let items = node.sequence?.map({ $0.scalar?.string ?? "" }), items.count == 2,
            let first = Int(items[0]), let last = Int(items[1]), (1990...2100).contains(first), first <= last,
            last <= 2100
        else { throw error(key, "expected [first year, last year], e.g. [2015, 2020]") }
        return first...last
    }

    func policy(_ root: Node, counties: CountyRegistry) throws -> Policy {
        let top = try mapping(root, "")
        let name = try string(top, "name", "")
        let version = try string(top, "version", "")

        let eligibilityNode = try mapping(top["eligibility"], "eligibility")
        let eligibility = Policy.EligibilityParameters(
            category2UpperMultiple: try multiple(eligibilityNode, "category2UpperMultiple", "eligibility"),
            category3UpperMultiple: try multiple(eligibilityNode, "category3UpperMultiple", "eligibility"),
            expenseAdjustedTest: try boolean(eligibilityNode, "expenseAdjustedTest", "eligibility"))
        if eligibility.category3UpperMultiple.numerator * eligibility.category2UpperMultiple.denominator
            < eligibility.category2UpperMultiple.numerator * eligibility.category3UpperMultiple.denominator
        {
            throw error("eligibility.category3UpperMultiple", "must not be below category2UpperMultiple")
        }

        let personsNode = try mapping(top["persons"], "persons")
        let retirement = try mapping(personsNode["retirementAge"], "persons.retirementAge")
        let persons = Policy.PersonParameters(
            workingAgeFrom: try integer(personsNode, "workingAgeFrom", "persons", range: 0...30),
            menRetirementAge: try integer(retirement, "men", "persons.retirementAge", range: 40...80),
            womenRetirementAge: try integer(retirement, "women", "persons.retirementAge", range: 40...80))

        let standardYears = try yearRange(top, "standardYears")
        let budgetYears = try yearRange(top, "budgetYears")
        guard standardYears.contains(budgetYears.lowerBound), standardYears.contains(budgetYears.upperBound) else {
            throw error("budgetYears", "must lie within standardYears")
        }

        let measuresNode = try mapping(top["measures"], "measures")
        var measures: [Measure.Code: Policy.MeasureTerms] = [:]
        for code in Measure.Code.allCases {
            let path = "measures.\(code.rawValue)"
            let node = try mapping(measuresNode[code.rawValue], path)
            measures[code] = Policy.MeasureTerms(
                amount: try yuan(node, "amount", path),
                processingDays: try integer(node, "processingDays", path, range: 0...3650),
                basis: try string(node, "basis", path))
        }
        for key in measuresNode.keys where Measure.Code(rawValue: key) == nil {
            throw error("measures.\(key)", "not a measure code of Part B")
        }
        let paying = Measure.Code.allCases.filter { measures[$0]!.paysMoney }

        let prefecturesNode = try mapping(top["prefectures"], "prefectures")
        var prefectures: [String: Policy.PrefectureParameters] = [:]
        for prefecture in counties.prefectures {
            let path = "prefectures.\(prefecture.code)"
            guard let prefectureNode = prefecturesNode[prefecture.code] else {
                throw error(path, "missing (\(prefecture.name))")
            }
            let prefectureMapping = try mapping(prefectureNode, path)
            let yearsNode = try mapping(prefectureMapping["years"], "\(path).years")
            var years: [Int: Policy.YearParameters] = [:]
            for year in standardYears {
                let yearPath = "\(path).years.\(year)"
                guard let yearNode = yearsNode[String(year)] else {
                    throw error(yearPath, "missing (\(prefecture.name), \(year))")
                }
                let entry = try mapping(yearNode, yearPath)
                var parameters = Policy.YearParameters(
                    minimumLivingStandard: try yuan(entry, "minimumLivingStandard", yearPath),
                    minimumLivingStandardBasis: try string(entry, "basis", yearPath),
                    publicRentalUnits: nil, budgets: [:], budgetBasis: "")
                guard parameters.minimumLivingStandard > .zero else {
                    throw error("\(yearPath).minimumLivingStandard", "must be above zero")
                }
                if budgetYears.contains(year) {
                    parameters.publicRentalUnits = try integer(
                        entry, "publicRentalUnits", yearPath, range: 0...10_000_000)
                    parameters.budgetBasis = try string(entry, "budgetBasis", yearPath)
                    let budgetsNode = try mapping(entry["budgets"], "\(yearPath).budgets")
                    for code in paying {
                        parameters.budgets[code] = try yuan(budgetsNode, code.rawValue, "\(yearPath).budgets")
                    }
                }
                years[year] = parameters
            }
            prefectures[prefecture.code] = Policy.PrefectureParameters(
                name: try string(prefectureMapping, "name", path), years: years)
        }
        var policy = Policy(
            name: name, version: version, eligibility: eligibility, persons: persons, measures: measures,
            prefectures: prefectures)
        if let node = top["makerChecker"] { policy.makerChecker = try makerChecker(node) }
        if top["workingCalendar"] != nil {
            policy.workingCalendar = try workingCalendar(try string(top, "workingCalendar", ""))
        }
        if let node = top["exitProcedure"] {
            let section = try mapping(node, "exitProcedure")
            policy.exitProcedure = Policy.ExitProcedure(
                publicityWorkingDays: try integer(section, "publicityWorkingDays", "exitProcedure", range: 1...60))
        }
        if let node = top["followUp"] {
            let section = try mapping(node, "followUp")
            policy.followUp = Policy.FollowUp(
                months: try integer(section, "months", "followUp", range: 0...120),
                visitEveryMonths: try integer(section, "visitEveryMonths", "followUp", range: 1...120))
        }
        return policy
    }

    /// The calendar file named by `workingCalendar`, relative to the policy file's directory (policy C.7).
    func workingCalendar(_ name: String) throws -> WorkingCalendar {
        let path = name.hasPrefix("/") ? name : URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw error("workingCalendar", "cannot read the calendar file \(path)") }
        return try WorkingCalendar(csv: text, source: path)
    }

    /// The optional `makerChecker` section: `secondApproverAbove` (yuan), `measures` (code → yuan) and
    /// `refusalReasons` (a list of `{code, zh, en}`, codes unique).
    func makerChecker(_ node: Node) throws -> Policy.MakerChecker {
        let path = "makerChecker"
        let section = try mapping(node, path)
        var result = Policy.MakerChecker(secondApproverAbove: try yuan(section, "secondApproverAbove", path))
        if let measuresNode = section["measures"] {
            for (key, _) in try mapping(measuresNode, "\(path).measures") {
                guard let code = Measure.Code(rawValue: key) else {
                    throw error("\(path).measures.\(key)", "not a measure code of Part B")
                }
                result.secondApproverAboveByMeasure[code] = try yuan(
                    try mapping(measuresNode, "\(path).measures"), key, "\(path).measures")
            }
        }
        if let reasonsNode = section["refusalReasons"] {
            guard let items = reasonsNode.sequence else {
                throw error("\(path).refusalReasons", "expected a list of {code, zh, en}")
            }
            for (index, item) in items.enumerated() {
                let itemPath = "\(path).refusalReasons.\(index)"
                let entry = try mapping(item, itemPath)
                let reason = Policy.RefusalReason(
                    code: try string(entry, "code", itemPath), chinese: try string(entry, "zh", itemPath),
                    english: try string(entry, "en", itemPath))
                guard result.refusalReason(code: reason.code) == nil else {
                    throw error("\(itemPath).code", "\(reason.code) is given twice")
                }
                result.refusalReasons.append(reason)
            }
        }
        return result
    }
}
