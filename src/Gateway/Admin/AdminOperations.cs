using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Store;

namespace Gateway.Admin;

/// <summary>What each admin command does, through the store's record classes only (no store call of its own).</summary>
internal sealed class AdminOperations(IServiceProvider services, TextWriter output)
{
    private AccountRecords Accounts => services.GetRequiredService<AccountRecords>();

    private AuditTrail Audit => services.GetRequiredService<AuditTrail>();

    public async Task<int> ShowAsync(string user)
    {
        user = Canonical(user);
        var state = await Accounts.GetAsync(user, default);
        var keys = await services.GetRequiredService<KeyRecords>().GetAllAsync(user, default);
        var counters = services.GetRequiredService<FailureCounters>();
        var (failures, lockedUntil) = await counters.ReadAsync(user, null, default);
        output.WriteLine($"user:            {user}");
        output.WriteLine($"mode:            {state.Mode.ToWire()}{(state.IsPending ? $" (enrolment pending: {state.PendingMode.ToWire()})" : "")}");
        output.WriteLine($"enabled at:      {Time(state.EnabledAt)}");
        output.WriteLine($"updated at:      {Time(state.UpdatedAt)}");
        output.WriteLine($"authenticator:   {(state.HasTotp ? "yes" : "no")}");
        output.WriteLine($"security keys:   {keys.Count}");
        foreach (var key in keys)
        {
            output.WriteLine($"  - {key.Record.Name} (added {Time(key.CreatedAt)}, last used {Time(key.LastUsedAt)})");
        }

        output.WriteLine($"recovery codes:  {await Accounts.CountRecoveryCodesAsync(user, default)} unused");
        output.WriteLine($"second factors:  {failures} consecutive failures, {Lock(lockedUntil)}");
        var scopes = await services.GetRequiredService<PackageRules>().ScopesOfAsync(user, default);
        output.WriteLine($"maintains in:    {(scopes.Count == 0 ? "no scope" : string.Join(", ", scopes.Order(StringComparer.Ordinal)))} (published or added as owner through the gateway)");
        var tokens = await services.GetRequiredService<TokenLedger>().ListAsync(user, default);
        output.WriteLine($"tokens:          {tokens.Count} recorded (created with npm token create through the gateway)");
        foreach (var (key, token) in tokens.OrderBy(t => t.Value.Created))
        {
            output.WriteLine($"  - {key} {token.Name ?? "(no name)"}: {TokenSummary.Of(token)}");
        }

        output.WriteLine("recent events:");
        foreach (var entry in await Audit.NewestAsync(user, 10, default))
        {
            output.WriteLine("  " + Line(entry));
        }

        return 0;
    }

    /// <summary>For a user who lost every factor: 2FA off in one store transaction (every instance forgets its cached mode); the user enrols again.</summary>
    public async Task<int> ResetAsync(string user)
    {
        user = Canonical(user);
        var before = await Accounts.GetAsync(user, default);
        var hadKeys = await services.GetRequiredService<KeyRecords>().HasKeysAsync(user, default);
        if (before == UserTwoFactorState.None && !hadKeys)
        {
            output.WriteLine($"{user} has no two-factor authentication: nothing to reset");
            return 4;
        }

        await Accounts.DisableAsync(user, default);
        await Audit.RecordAsync(AuditEventTypes.OperatorAction, user, "reset-2fa");
        output.WriteLine($"{user}: two-factor authentication removed (mode was {before.Mode.ToWire()}); they can enrol again");
        return 0;
    }

    public async Task<int> UnlockAsync(string user)
    {
        user = Canonical(user);
        var counters = services.GetRequiredService<FailureCounters>();
        await counters.ResetAsync(user, null, default);
        await Audit.RecordAsync(AuditEventTypes.OperatorAction, user, "unlock");
        output.WriteLine($"{user}: failure counts and lock-outs cleared");
        return 0;
    }

    public async Task<int> UsersAsync(TwoFactorMode? mode)
    {
        await foreach (var (user, state) in services.GetRequiredService<AccountDirectory>().ListAsync(default))
        {
            if (mode is null || state.Mode == mode)
            {
                output.WriteLine($"{user}\t{state.Mode.ToWire()}{(state.IsPending ? "\tpending" : "")}\t{(state.HasTotp ? "totp" : "-")}\tsince {Time(state.EnabledAt)}");
            }
        }

        return 0;
    }

    public async Task<int> AuditAsync(string? user, DateTimeOffset? since, int limit)
    {
        foreach (var entry in (await Audit.QueryAsync(user is null ? null : Canonical(user), since, limit, default)).Reverse())
        {
            output.WriteLine(Line(entry));
        }

        return 0;
    }

    private string Canonical(string user) =>
        services.GetRequiredService<Usernames>().TryCanonical(user, out var canonical) ? canonical : user;

    private static string Line(AuditEvent e) =>
        $"{e.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\t{e.Type}\t{e.User ?? "-"}\t{e.Outcome}\taction={e.Action ?? "-"}\tpackage={e.Package ?? "-"}\tcredential={e.Credential ?? "-"}\tclient={e.Client ?? "-"}";

    private static string Time(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "never";

    private static string Lock(long lockedUntilMs)
    {
        var until = DateTimeOffset.FromUnixTimeMilliseconds(lockedUntilMs);
        return until > DateTimeOffset.UtcNow ? $"locked until {Time(until)}" : "not locked";
    }
}
