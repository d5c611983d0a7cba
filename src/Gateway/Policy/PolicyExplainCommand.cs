using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.Policy;

/// <summary>
/// <c>Gateway policy explain METHOD PATH [--body FILE] [--policy FILE]</c>: shows how the route policy
/// classifies a request, without traffic (like Authelia's <c>check-policy</c>).
/// </summary>
internal static class PolicyExplainCommand
{
    private const string Usage = "usage: Gateway policy explain METHOD PATH [--body FILE] [--policy FILE]";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "policy";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 4 || args[1] != "explain" || !TryReadOptions(args[4..], out var bodyFile, out var policyFile))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var method = args[2].ToUpperInvariant();
        var rawPath = args[3];
        RoutePolicy policy;
        try
        {
            policy = RoutePolicyParser.Load(policyFile ?? ConfiguredPolicyFile());
        }
        catch (PolicyFileException e)
        {
            error.WriteLine(e.Message);
            return 3;
        }

        var body = ReadBody(bodyFile, policy.MaxBodyBytes, out var bodyNote);
        var path = RequestPath.Parse(rawPath);
        var result = policy.Classify(method, path, body, out _)!;
        output.WriteLine($"policy:     {policy.Source}");
        output.WriteLine($"request:    {method} {rawPath}");
        output.WriteLine($"normalised: {path}");
        output.WriteLine($"body:       {bodyNote}");
        output.WriteLine($"rule:       {result.Rule}");
        output.WriteLine($"action:     {result.Action}");
        output.WriteLine($"package:    {result.Package ?? "(none)"}");
        output.WriteLine($"class:      {Describe(result.Class)}");
        return 0;
    }

    private static string Describe(ProtectionClass protection) => protection switch
    {
        ProtectionClass.Auth => "auth (second factor in auth-only and auth-and-writes)",
        ProtectionClass.Writes => "writes (second factor in auth-and-writes)",
        _ => "none (never a second factor)",
    };

    private static RequestBody ReadBody(string? file, int maxBytes, out string note)
    {
        if (file is null)
        {
            note = "(none given: rules with a body condition cannot match)";
            return RequestBody.Unavailable;
        }

        var bytes = File.ReadAllBytes(file);
        if (bytes.Length > maxBytes)
        {
            note = $"{file}: {bytes.Length} bytes, over maxBodyBytes {maxBytes}: not read, as the gateway would not read it";
            return RequestBody.Unavailable;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            note = $"{file}: {bytes.Length} bytes of JSON";
            return RequestBody.Parsed(document.RootElement.Clone());
        }
        catch (JsonException)
        {
            note = $"{file}: not JSON";
            return RequestBody.Unavailable;
        }
    }

    private static bool TryReadOptions(string[] options, out string? bodyFile, out string? policyFile)
    {
        bodyFile = policyFile = null;
        for (var i = 0; i < options.Length; i += 2)
        {
            if (i + 1 >= options.Length)
            {
                return false;
            }

            switch (options[i])
            {
                case "--body": bodyFile = options[i + 1]; break;
                case "--policy": policyFile = options[i + 1]; break;
                default: return false;
            }
        }

        return true;
    }

    /// <summary>The policy file the gateway would load: appsettings.json and Gateway__PolicyFile, as at start-up.</summary>
    private static string ConfiguredPolicyFile()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        var configured = builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.PolicyFile)}"] ?? new GatewayOptions().PolicyFile;
        return builder.Environment.ResolvePath(configured);
    }
}
