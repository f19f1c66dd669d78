// The event fabric's benchmark (work in progress).
@main
enum FabricBenchmark {
    static func main() {}
}
