import Foundation
import HouseholdDomain

/// The area a staff member works in: a GB/T 2260 code of the province (`530000`), a prefecture (`530100`) or a
/// county (`530102`). A member sees and acts only on households filed in that area (DESIGN "Who uses it",
/// policy §5.1 分级负责).
public struct StaffArea: Sendable, Hashable, CustomStringConvertible {
    /// How wide the area is.
    public enum Level: String, Sendable, Hashable {
        /// The whole province (`530000`): every household.
        case province
        /// A prefecture (`530100`): the households of its counties.
        case prefecture
        /// A county (`530102`): its own households.
        case county
    }

    /// The six-digit code.
    public let code: String
    /// How wide it is.
    public let level: Level
    /// The division's name from the county registry (云南省, 昆明市, 五华区).
    public let name: String

    /// The province, Yunnan: every household.
    public static let province = StaffArea(code: "530000", level: .province, name: "云南省")

    private init(code: String, level: Level, name: String) {
        self.code = code
        self.level = level
        self.name = name
    }

    /// Validates an area code against the county registry (GB/T 2260).
    ///
    /// - Parameters:
    ///   - code: `530000`, a prefecture code of the registry, or a county code of the registry.
    ///   - registry: The county registry.
    /// - Throws: ``DeskRefusal`` `staff.area.unknown` for any other code.
    public init(code: String, registry: CountyRegistry = .yunnan) throws(DeskRefusal) {
        let code = code.trimmingCharacters(in: .whitespaces)
        if code == Self.province.code {
            self = Self.province
        } else if let county = registry.county(code: code) {
            self.init(code: code, level: .county, name: county.name)
        } else if let county = registry.counties.first(where: { $0.prefectureCode == code }) {
            self.init(code: code, level: .prefecture, name: county.prefectureName)
        } else {
            throw DeskRefusal(
                code: "staff.area.unknown",
                description:
                    "区划代码 \(code) 不是云南省、州市或县区代码 (the area must be 530000, a prefecture such as 530100 or a "
                    + "county such as 530102 of GB/T 2260)")
        }
    }

    /// Whether a household filed in `county` (its six-digit division code) is in this area: a county matches
    /// itself, a prefecture its counties (the same first four digits), the province every Yunnan code.
    ///
    /// - Parameter county: The household's division code.
    /// - Returns: Whether the member may see and act on it.
    public func contains(county: String) -> Bool {
        switch level {
        case .province: county.hasPrefix(String(code.prefix(2)))
        case .prefecture: county.count == 6 && county.hasPrefix(String(code.prefix(4)))
        case .county: county == code
        }
    }

    /// `530102 五华区`.
    public var description: String { "\(code) \(name)" }
}
