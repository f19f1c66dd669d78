import Foundation
import HouseholdDomain

extension ServiceStack {
    /// An agency's store in the working folder (`stores/<agency>.sqlite`), as its configuration names it.
    ///
    /// - Parameter agency: The agency.
    /// - Returns: The store's path.
    public func storePath(_ agency: Agency) -> String {
        folder.appendingPathComponent("stores/\(agency.rawValue).sqlite").path
    }

    /// The bytes an agency's store takes on disk now: the database file and its write-ahead log (`-wal`; the
    /// shared-memory index `-shm` is not data and is left out). A file that does not exist counts 0.
    ///
    /// - Parameter agency: The agency.
    /// - Returns: The size in bytes.
    public func storeBytes(_ agency: Agency) -> Int64 {
        let path = storePath(agency)
        return [path, path + "-wal"].reduce(0) { sum, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return sum + (size ?? 0)
        }
    }
}
