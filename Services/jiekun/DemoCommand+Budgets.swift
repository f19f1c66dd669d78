import AgencyDesks
import Foundation
import HouseholdDomain
import ServiceStack

extension DemoCommand {
    /// The money waiting at the end of the demo (policy §5.2): per prefecture, the measures that no money could
    /// pay yet and their yuan, summed over every paying agency's `budget` operation (read as the agency's simulated
    /// clerk; clerks may read budget lines).
    ///
    /// - Parameter stack: The running stack.
    /// - Returns: The text, ending in a newline.
    /// - Throws: What the requests throw.
    static func moneyWaiting(of stack: ServiceStack) throws -> String {
        var perPrefecture: [String: (count: Int, yuan: Yuan)] = [:]
        for agency in Agency.allCases where agency != .coordinator {
            let body = try stack.request(agency, Operation.budget, body: try MessageCoding.encode(BudgetQuery()))
            for total in try MessageCoding.decode(BudgetReply.self, from: body).waiting {
                perPrefecture[total.prefecture, default: (0, .zero)].count += total.count
                perPrefecture[total.prefecture, default: (0, .zero)].yuan += total.yuan
            }
        }
        let count = perPrefecture.values.reduce(0) { $0 + $1.count }
        let yuan = perPrefecture.values.reduce(Yuan.zero) { $0 + $1.yuan }
        guard count > 0 else { return "Money waiting (待资金): none\n" }
        let names = Dictionary(uniqueKeysWithValues: CountyRegistry.yunnan.prefectures.map { ($0.code, $0.name) })
        let lines = perPrefecture.sorted { $0.key < $1.key }.map { code, total in
            "\(names[code] ?? code) \(total.count) (¥\(total.yuan))"
        }
        return "Money waiting (待资金): \(count) measures, ¥\(yuan): " + lines.joined(separator: ", ") + "\n"
    }
}
