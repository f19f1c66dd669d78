extension LocalDate {
    /// The date as staff read it: `2017年3月5日` (no leading zeros).
    public var chinese: String { "\(year)年\(month)月\(day)日" }
}
