import Foundation
import HouseholdDomain
import SampleCaseload
import TestSupport

/// The shipped policy and ready-made generators for the tests.
enum SampleFixture {
    /// The policy file shipped with Jiekun.
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    static let policy: Policy = {
        do { return try Policy.load(contentsOfFile: policyPath) } catch {
            fatalError("the shipped policy does not load: \(error)")
        }
    }()

    static func generator(seed: UInt64, mistakeRate: Double = 0, year: Int = 2017) -> CaseloadGenerator {
        do {
            return try CaseloadGenerator(policy: policy, seed: seed, year: year, mistakeRate: mistakeRate)
        } catch {
            fatalError("cannot make a generator: \(error)")
        }
    }

    /// 2,000 households without mistakes, shared by the tests that only read them.
    static let clean: ParsedCaseload = ParsedCaseload(generator(seed: 7).csv(households: 2000))
}

/// The columns of the import file, in the order the generator writes them.
enum Column: Int, CaseIterable {
    case fileNumber, divisionCode, filedOn, income, expense, housing, primaryCause, secondaryCauses, singleParent
    case migrant, ruralPoverty, dibao, arrears, employer, creditCode, name, idNumber, relation, health, workStatus
    case schoolLevel, pension, medical, wantsBusiness
}

/// A test-local reader of the generated CSV (RFC 4180 quoting; the generator writes no line break inside a field).
struct ParsedCaseload {
    let text: String
    let header: [String]
    let rows: [[String]]
    /// Rows grouped by file number, in order of first appearance, with their 0-based row indices.
    let households: [[Int]]

    init(_ text: String) {
        self.text = text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        header = ParsedCaseload.fields(lines.first.map(String.init) ?? "")
        rows = lines.dropFirst().map { ParsedCaseload.fields(String($0)) }
        var order: [String] = []
        var byFile: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            if byFile[row[0]] == nil { order.append(row[0]) }
            byFile[row[0], default: []].append(index)
        }
        households = order.map { byFile[$0]! }
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        current.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    func value(_ row: Int, _ column: Column) -> String { rows[row][column.rawValue] }

    /// The household's rows, the worker's first.
    func household(_ index: Int) -> HouseholdView { HouseholdView(caseload: self, rows: households[index]) }
    var householdViews: [HouseholdView] { households.map { HouseholdView(caseload: self, rows: $0) } }
}

/// One household of a parsed caseload.
struct HouseholdView {
    let caseload: ParsedCaseload
    let rows: [Int]

    var workerRow: Int { rows[0] }
    func value(_ column: Column) -> String { caseload.value(workerRow, column) }
    var filedOn: LocalDate { LocalDate(value(.filedOn))! }
    var size: Int { rows.count }
    var income: Yuan { Yuan(value(.income))! }
    var expense: Yuan { value(.expense).isEmpty ? .zero : Yuan(value(.expense))! }
    var prefecture: String { CountyRegistry.yunnan.county(code: value(.divisionCode))!.prefectureCode }
    /// `S × size` for the household's prefecture and filing year.
    var standardTimesSize: Yuan {
        SampleFixture.policy.minimumLivingStandard(prefecture: prefecture, year: filedOn.year)! * size
    }
    var causes: [String] {
        let secondary = value(.secondaryCauses)
        return [value(.primaryCause)]
            + (secondary.isEmpty ? [] : secondary.split(whereSeparator: { $0 == "、" || $0 == ";" }).map(String.init))
    }
    var members: [MemberView] { rows.map { MemberView(caseload: caseload, row: $0, filedOn: filedOn) } }
}

/// One person row.
struct MemberView {
    let caseload: ParsedCaseload
    let row: Int
    let filedOn: LocalDate

    func value(_ column: Column) -> String { caseload.value(row, column) }
    var identity: IdentityNumber? { IdentityNumber(value(.idNumber)) }
    var age: Int { identity!.birthDate.age(on: filedOn) }
    var sex: Sex { identity!.sex }
    var relation: String { value(.relation) }
}
