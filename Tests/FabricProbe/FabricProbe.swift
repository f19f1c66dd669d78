// A small process for the event fabric's tests: a publisher or subscriber that tests start, kill and restart.
@main
enum FabricProbe {
    static func main() {}
}
