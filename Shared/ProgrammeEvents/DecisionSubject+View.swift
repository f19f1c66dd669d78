import HouseholdDomain
import ReliefProgramme

extension DecisionSubject {
    /// The subject of a department's decision, from the department's view of the household: every view carries
    /// the file number, the prefecture, the filing date and the category (``HouseholdView``).
    ///
    /// - Parameter view: The department's view of the household.
    public init(_ view: HouseholdView) {
        self.init(
            fileNumber: view.fileNumber, prefectureCode: view.prefectureCode, filedOn: view.filedOn,
            category: view.category)
    }
}
