using System.Net;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Configuration;
using Gateway.Policy;
using Gateway.Resilience;
using Gateway.Store;

namespace Gateway.Admin;

/// <summary>
/// <c>Gateway policy explain METHOD PATH [options]</c>: how the gateway would decide a request, without traffic
/// (like Authelia's <c>check-policy</c>): the route policy's classification, then the package's rule, the scope's
/// requirement, the caller's mode and token, and the decision (<see cref="PolicyExplanation"/>). With
/// <c>--user</c> it reads the user's mode, scopes, tokens and the package's stored rule from the store the gateway
/// uses, as the admin commands do; without it, nothing but files and configuration.
/// Exit codes: 0 explained, 2 usage, 3 invalid files or configuration, or the store cannot be reached, 4 no such token.
/// </summary>
internal static class PolicyExplainCommand
{
    public const string Usage = """
        usage: Gateway policy explain METHOD PATH [--body FILE] [--policy FILE] [--package-rules FILE]
                 [--mode disabled|auth-only|auth-and-writes] [--user USER [--token-key KEY]]
                 [--token-attributes JSON | --unrecorded-token] [--from ADDRESS]
          --mode              the caller's 2FA mode (without it and without --user: each mode in turn)
          --user              read the user's mode, the scopes they maintain and the package's rule from the store
          --token-key         the request presents this recorded token of --user (a key from npm token list)
          --token-attributes  the request presents a token created with these npm token create fields,
                              e.g. '{"bypass_2fa":true,"packages":["my-lib"],"expires":7}'
          --unrecorded-token  the request presents a bearer token the gateway has no record of
          --from              the client's address (for a token limited with --cidr)
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "policy";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? problem = null;
        if (args.Length < 4 || args[1] != "explain" || !ExplainArguments.TryParse(args[4..], out var options, out problem))
        {
            if (problem is not null)
            {
                error.WriteLine(problem);
            }

            error.WriteLine(Usage);
            return 2;
        }

        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        var gatewayOptions = configuration.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var tokenOptions = configuration.Configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        if (new TokenOptionsValidator().Validate(null, tokenOptions) is { Failed: true } invalid)
        {
            error.WriteLine(invalid.FailureMessage);
            return 3;
        }

        RoutePolicy policy;
        PackageRulesFile rules;
        var rulesFile = options.PackageRulesFile ?? configuration.Environment.ResolvePath(gatewayOptions.PackageRulesFile);
        try
        {
            policy = RoutePolicyParser.Load(options.PolicyFile ?? configuration.Environment.ResolvePath(gatewayOptions.PolicyFile));
            rules = PackageRulesFile.Load(rulesFile);
        }
        catch (PolicyFileException e)
        {
            error.WriteLine(e.Message);
            return 3;
        }

        var method = args[2].ToUpperInvariant();
        var rawPath = args[3];
        var body = ReadBody(options.BodyFile, policy.MaxBodyBytes, out var bodyNote);
        var path = RequestPath.Parse(rawPath);
        var request = policy.Classify(method, path, body, out _)!;
        output.WriteLine($"policy:       {policy.Source}");
        output.WriteLine($"request:      {method} {rawPath}");
        output.WriteLine($"normalised:   {path}");
        output.WriteLine($"body:         {bodyNote}");
        output.WriteLine($"rule:         {request.Rule}");
        output.WriteLine($"action:       {request.Action}");
        output.WriteLine($"package:      {request.Package ?? "(none)"}");
        output.WriteLine($"class:        {Describe(request.Class)}");

        var now = DateTimeOffset.UtcNow;
        var token = options.TokenAttributesJson is { } json ? ParseToken(json, options.User ?? "caller", tokenOptions, now, error) : null;
        if (options.TokenAttributesJson is not null && token is null)
        {
            return 2;
        }

        var facts = new ExplainFacts(request, rules, Path.GetFileName(rulesFile), StoredPackageRule: null, options.User, options.Mode,
            options.Mode is null ? "" : "given with --mode", MaintainedScopes: null, token, options.UnrecordedToken, tokenOptions,
            ReportOnly: (gatewayOptions.ReportOnly || rules.ScopeOf(request.Package) is { ReportOnly: true })
                && !TwoFactor.RequestDecider.AlwaysEnforced(request),
            options.From, now);
        if (options.User is { } user)
        {
            var fromStore = await ReadStoreAsync(facts, user, options.TokenKey, error);
            if (fromStore.Exit != 0)
            {
                return fromStore.Exit;
            }

            facts = fromStore.Facts!;
        }

        PolicyExplanation.Write(facts, output);
        return 0;
    }

    /// <summary>The user's mode, maintained scopes and token, and the package's stored rule, from the gateway's store.</summary>
    private static async Task<(int Exit, ExplainFacts? Facts)> ReadStoreAsync(ExplainFacts facts, string user, string? tokenKey, TextWriter error)
    {
        await using var services = await AdminServices.TryBuildAsync(error);
        if (services is null)
        {
            return (3, null);
        }

        try
        {
            var provider = services.Provider;
            var storedRule = facts.Request.Package is { } package
                && PackageMfaWire.TryParse(await provider.GetRequiredService<PackageRules>().GetMfaAsync(package, default), out var rule) ? rule : (PackageMfa?)null;
            var state = await provider.GetRequiredService<AccountRecords>().GetAsync(user, default);
            var scopes = await provider.GetRequiredService<PackageRules>().ScopesOfAsync(user, default);
            var token = facts.Token;
            if (tokenKey is not null && !(await provider.GetRequiredService<TokenLedger>().ListAsync(user, default)).TryGetValue(tokenKey, out token))
            {
                error.WriteLine($"{user} has no recorded token with key {tokenKey} (npm token list shows the keys; an expired token's record is kept 30 days)");
                return (4, null);
            }

            return (0, facts with
            {
                StoredPackageRule = storedRule,
                Mode = facts.Mode ?? state.Mode,
                ModeSource = facts.Mode is null ? "from the store" : facts.ModeSource,
                MaintainedScopes = scopes,
                Token = token,
            });
        }
        catch (DependencyUnavailableException e)
        {
            error.WriteLine($"the store did not answer: {e.Message}");
            return (3, null);
        }
    }

    private static TokenAttributes? ParseToken(string json, string user, TokenOptions options, DateTimeOffset now, TextWriter error)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var parsed = TokenRequest.Parse(document.RootElement, user, options, now);
            if (parsed.Attributes is null)
            {
                error.WriteLine($"--token-attributes: the gateway would refuse to create this token ({parsed.Status}): {parsed.Problem}");
            }

            return parsed.Attributes;
        }
        catch (JsonException e)
        {
            error.WriteLine($"--token-attributes: not JSON ({e.Message})");
            return null;
        }
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
}

/// <summary>The options of one <c>policy explain</c> command line; usernames are checked before they reach a store key.</summary>
internal sealed record ExplainArguments(
    string? BodyFile, string? PolicyFile, string? PackageRulesFile, TwoFactorMode? Mode, string? User, string? TokenKey,
    string? TokenAttributesJson, bool UnrecordedToken, IPAddress? From)
{
    public static bool TryParse(string[] options, out ExplainArguments parsed, out string? problem)
    {
        parsed = new ExplainArguments(null, null, null, null, null, null, null, false, null);
        problem = null;
        for (var i = 0; i < options.Length; i++)
        {
            if (options[i] == "--unrecorded-token")
            {
                parsed = parsed with { UnrecordedToken = true };
                continue;
            }

            if (i + 1 >= options.Length)
            {
                return false;
            }

            var value = options[++i];
            switch (options[i - 1])
            {
                case "--body": parsed = parsed with { BodyFile = value }; break;
                case "--policy": parsed = parsed with { PolicyFile = value }; break;
                case "--package-rules": parsed = parsed with { PackageRulesFile = value }; break;
                case "--mode" when TwoFactorModes.TryParse(value, out var mode): parsed = parsed with { Mode = mode }; break;
                case "--user" when Usernames.IsWellFormed(value): parsed = parsed with { User = value }; break;
                case "--token-key": parsed = parsed with { TokenKey = value }; break;
                case "--token-attributes": parsed = parsed with { TokenAttributesJson = value }; break;
                case "--from" when IPAddress.TryParse(value, out var address): parsed = parsed with { From = address }; break;
                default:
                    problem = $"{options[i - 1]} {value}: unknown option or invalid value";
                    return false;
            }
        }

        problem = parsed switch
        {
            { TokenKey: not null, User: null } => "--token-key needs --user (tokens are recorded per user)",
            _ when new[] { parsed.TokenKey is not null, parsed.TokenAttributesJson is not null, parsed.UnrecordedToken }.Count(x => x) > 1
                => "give one of --token-key, --token-attributes, --unrecorded-token",
            _ => null,
        };
        return problem is null;
    }
}
