import Foundation

/// Paths the tests need: the package root, the fixtures inside it, and the built products.
///
/// Every fixture is inside the repository: the tests run in any clone, whatever lies beside it.
public enum Fixtures {
    /// The package root (the folder holding `Package.swift`), found from this file's path.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Shared
        .deletingLastPathComponent()  // package root

    /// The sample import file of three households (`deploy/samples/households.csv`, docs/IMPORT-FORMAT.md).
    public static let sampleHouseholds: URL = packageRoot.appendingPathComponent("deploy/samples/households.csv")

    /// The folder holding the built executables of this test run (`.build/<triple>/debug`).
    ///
    /// The test bundle is built into the same folder as the package's executables, whatever the scratch path.
    public static var productsDirectory: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var folder = bundle.deletingLastPathComponent()
        // swift-testing/XCTest may run `…/debug/JiekunPackageTests.xctest` directly or a helper beside it.
        while folder.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("jiekun").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        return bundle.deletingLastPathComponent()
    }
}
