extension Sequence {
    /// The elements in filing order: by filing date (建档日期), earliest first, then in their order here; those
    /// without a filing date first (the union refuses them).
    ///
    /// The union files a request's households in this order and the departments draw their budgets and unit stock
    /// in the order households are filed (policy §5.2: a measure whose year's budget is spent waits in filing
    /// order), so every party that files or replays a caseload — the union, `jiekun import`'s batches, the
    /// sequential run — orders it here.
    /// - Parameter filedOn: The element's filing date, if it has one.
    /// - Returns: The elements, sorted (stable).
    public func sortedInFilingOrder(by filedOn: (Element) -> LocalDate?) -> [Element] {
        enumerated().map { (date: filedOn($0.element), offset: $0.offset, element: $0.element) }
            .sorted { lhs, rhs in
                switch (lhs.date, rhs.date) {
                case (let left?, let right?) where left != right: return left < right
                case (nil, _?): return true
                case (_?, nil): return false
                default: return lhs.offset < rhs.offset
                }
            }
            .map(\.element)
    }
}
