using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Admin;

/// <summary>
/// <c>Gateway admin show USER | reset-2fa USER | unlock USER | users [--mode M] | audit [--user U] [--since T] [--limit N]</c>:
/// operator commands against the store the gateway uses, configured as the gateway is (appsettings.json,
/// <c>Gateway__*</c>), reaching a running gateway's embedded store through its access file (<see cref="OperatorStore"/>).
/// Every change is audited as an <c>operator-action</c>. Exit codes: 0 done, 2 usage, 3 cannot reach the store or
/// bad configuration, 4 no such user.
/// </summary>
internal static class AdminCommand
{
    public const string Usage = """
        usage: Gateway admin show USER
               Gateway admin reset-2fa USER      remove every factor (TOTP, security keys, recovery codes); the user enrols again
               Gateway admin unlock USER         end a lock-out (second factors and sign-in passwords)
               Gateway admin users [--mode auth-only|auth-and-writes|disabled]
               Gateway admin audit [--user USER] [--since 2026-01-31T12:00:00Z] [--limit N]
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "admin";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!AdminArguments.TryParse(args[1..], out var command))
        {
            error.WriteLine(Usage);
            return 2;
        }

        await using var services = await AdminServices.TryBuildAsync(error);
        if (services is null)
        {
            return 3;
        }

        // Events written by these commands name the operator, not a client.
        AuditActor.Enter(AuditActor.Operator);
        var operations = new AdminOperations(services.Provider, output);
        try
        {
            return command.Verb switch
            {
                "show" => await operations.ShowAsync(command.User!),
                "reset-2fa" => await operations.ResetAsync(command.User!),
                "unlock" => await operations.UnlockAsync(command.User!),
                "users" => await operations.UsersAsync(command.Mode),
                _ => await operations.AuditAsync(command.User, command.Since, command.Limit),
            };
        }
        catch (DependencyUnavailableException e)
        {
            error.WriteLine($"the store did not answer: {e.Message}");
            return 3;
        }
    }
}
