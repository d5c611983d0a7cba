// The entry point's class made public, so that in-process host tests can name it:
// WebApplicationFactory<Program> in tests/Gateway.Tests/Hosting/. Program.cs keeps the top-level statements.
public partial class Program;
