using Gateway.Accounts;
using Gateway.Identity;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using QRCoder;
using static Gateway.Browser.PageResults;

namespace Gateway.Browser;

/// <summary>
/// The account page: enable an authenticator app (QR code), add, list and remove security keys, see and
/// regenerate recovery codes, choose the mode, disable 2FA. Keys and TOTP are alternatives: a user may
/// have either or both. Every factor change needs a fresh step-up, not only a session (<see cref="StepUp"/>,
/// AccountPages.StepUp.cs); disabling always needs the password and a second factor in the form.
/// </summary>
internal static partial class AccountPages
{
    /// <summary>The log category of the account pages (a static class cannot be one).</summary>
    internal sealed class Log;

    public static RouteGroupBuilder MapAccount(this RouteGroupBuilder gateway)
    {
        var account = gateway.MapGroup("/account").RequireAuthorization();
        account.MapGet("/", ShowAsync);
        account.MapPost("/totp/start", StartTotpAsync);
        account.MapPost("/totp/confirm", ConfirmTotpAsync);
        account.MapPost("/totp/remove", RemoveTotpAsync);
        account.MapPost("/keys", AddKeyAsync);
        account.MapPost("/keys/{keyId}/remove", RemoveKeyAsync);
        account.MapPost("/recovery-codes", RegenerateRecoveryCodesAsync);
        account.MapPost("/mode", ChangeModeAsync);
        account.MapPost("/disable", DisableAsync);
        account.MapPost("/step-up", StepUpAsync);
        account.MapPost("/package-staging", SetPackageStagingAsync);
        account.MapPost("/trusted-publishers", AddTrustedPublisherAsync);
        account.MapPost("/trusted-publishers/remove", RemoveTrustedPublisherAsync);
        return gateway;
    }

    private static async Task<AccountView> LoadAsync(HttpContext context, AccountPageServices page)
    {
        var user = context.User.Username();
        var state = await page.Accounts.GetAsync(user, context.RequestAborted);
        var keys = await page.Keys.ListAsync(user, context.RequestAborted);
        var enabled = state.Mode != TwoFactorMode.Disabled;
        return new AccountView(user, state.Mode, state.HasTotp, [.. keys.Select(k => new SecurityKeyRow(k.Id, k.Name, k.CreatedAt, k.LastUsedAt))],
            await page.Accounts.CountRecoveryCodesAsync(user, context.RequestAborted), page.StepUp.IsFresh(context.User, enabled),
            page.StepUp.WindowText, await LoadHistoryAsync(context, user),
            // Only an account with 2FA sees the section (its changes need a second factor): others pay no registry reads.
            enabled ? await page.TrustedPublishers.ListAsync(user, context.RequestAborted) : null);
    }

    private static Task<IResult> ShowAsync(HttpContext context, [AsParameters] AccountPageServices page) => AccountPageAsync(context, page);

    private static async Task<IResult> AccountPageAsync(HttpContext context, AccountPageServices page, string? notice = null, string? error = null, int status = StatusCodes.Status200OK) =>
        Page<AccountPage>(new { View = await LoadAsync(context, page), Notice = notice, Error = error }, status);

    private static Task<IResult> RefuseAsync(HttpContext context, AccountPageServices page, string error, int status) => AccountPageAsync(context, page, null, error, status);

    private static Task<IResult> ConfirmAsync(HttpContext context, AccountPageServices page, string notice) => AccountPageAsync(context, page, notice);

    private static IResult RecoveryCodesPage(string title, IReadOnlyList<string> codes, bool oldCodesRevoked = false) =>
        Page<RecoveryCodesPage>(new { Title = title, Codes = codes, OldCodesRevoked = oldCodesRevoked });

    private static TwoFactorMode ReadMode(IFormCollection form, TwoFactorMode fallback) =>
        TwoFactorModes.TryParse(form["mode"].ToString(), out var mode) && mode != TwoFactorMode.Disabled ? mode : fallback;

    private static Task<IResult> StartTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, EnrolmentTickets tickets) =>
        WithStepUpAsync(context, form, page, FactorRule.Enrol, "start an authenticator app", async user =>
        {
            var state = await page.Accounts.GetAsync(user, context.RequestAborted);
            var mode = state.Mode != TwoFactorMode.Disabled ? state.Mode : ReadMode(form, TwoFactorMode.AuthAndWrites);
            var url = await page.Enrolment.StartAsync(user, mode, context.RequestAborted);
            var pending = (await page.Accounts.GetAsync(user, context.RequestAborted)).PendingProtectedSecret ?? "";
            return TotpSetupPage(url, tickets.Issue(user, context.User.SessionId(), pending));
        });

    private static IResult TotpSetupPage(string url, string ticket)
    {
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["secret"];
        var qr = "data:image/png;base64," + Convert.ToBase64String(PngByteQRCodeHelper.GetQRCode(url, QRCodeGenerator.ECCLevel.M, 6));
        return Page<TotpSetupPage>(new { QrCode = qr, Secret = secret, Ticket = ticket });
    }

    private static async Task<IResult> ConfirmTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, EnrolmentTickets tickets)
    {
        var (accounts, _, _, _, enrolment, _, logger) = page;
        var user = context.User.Username();
        var state = await accounts.GetAsync(user, context.RequestAborted);
        // Only the enrolment this session started with a fresh step-up, within one window of that start.
        if (state.PendingProtectedSecret is not { } pending || !tickets.IsValid(form["enrolment"].ToString(), user, context.User.SessionId(), pending))
        {
            LogStepUpRequired(logger, user, "confirm an authenticator app");
            return await RefuseAsync(context, page, "This set-up has expired or was not started here; nothing was changed. Set up the authenticator app again.", 401);
        }

        var (codes, lockedOutFor) = await enrolment.ConfirmAsync(user, state, form["code"].ToString(), context.RequestAborted);
        if (lockedOutFor is { } wait)
        {
            return await RefuseAsync(context, page, $"Too many failed attempts. Try again in {(int)Math.Ceiling(wait.TotalSeconds)} seconds.", 429);
        }

        if (codes is null)
        {
            return await RefuseAsync(context, page, "That code does not match the new secret; the authenticator app was not enabled. Set it up again.", 400);
        }

        LogChanged(logger, user, "authenticator app enabled");
        return RecoveryCodesPage("Authenticator app enabled", codes);
    }

    // The form's ceremonyId/credential are the new key's registration, not a second factor: only a fresh step-up counts.
    private static Task<IResult> AddKeyAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FreshOnly, "add a security key", user => CompleteKeyAsync(user, context, form, page));

    private static async Task<IResult> CompleteKeyAsync(string user, HttpContext context, IFormCollection form, AccountPageServices page)
    {
        var (_, keys, _, _, enrolment, _, logger) = page;
        var name = form["name"].ToString().Trim() is { Length: > 0 } n ? n : "Security key"; // SecurityKeys cleans and caps it
        var result = await keys.CompleteRegistrationAsync(user, form["ceremonyId"].ToString(), form["credential"].ToString(), name, context, context.RequestAborted);
        if (!result.Succeeded)
        {
            return await RefuseAsync(context, page, "The security key could not be added. Try again.", 400);
        }

        LogChanged(logger, user, "security key added");
        var codes = await enrolment.KeyAddedAsync(user, ReadMode(form, TwoFactorMode.AuthAndWrites), context.RequestAborted);
        return codes is null
            ? await ConfirmAsync(context, page, "Security key added.")
            : RecoveryCodesPage("Security key added", codes);
    }

    private static Task<IResult> RemoveTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "remove the authenticator app", async user =>
        {
            if (await page.Enrolment.RemoveAuthenticatorAsync(user, context.RequestAborted) == FactorRemoval.OnlyFactor)
            {
                return await RefuseAsync(context, page, "The authenticator app is your only second factor: disable 2FA instead (that needs your password).", 400);
            }

            LogChanged(page.Logger, user, "authenticator app removed");
            return await ConfirmAsync(context, page, "Authenticator app removed.");
        });

    private static Task<IResult> RemoveKeyAsync(string keyId, HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "remove a security key", async user =>
        {
            var removal = await page.Enrolment.RemoveKeyAsync(user, keyId, context.RequestAborted);
            if (removal == FactorRemoval.OnlyFactor)
            {
                return await RefuseAsync(context, page, "This key is your only second factor: disable 2FA instead (that needs your password).", 400);
            }

            LogChanged(page.Logger, user, removal == FactorRemoval.Removed ? "security key removed" : "security key to remove not found");
            return removal == FactorRemoval.Removed
                ? await ConfirmAsync(context, page, "Security key removed.")
                : await AccountPageAsync(context, page, error: "No such key.");
        });

    private static Task<IResult> RegenerateRecoveryCodesAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "regenerate recovery codes", async user =>
        {
            var codes = await page.Enrolment.RegenerateRecoveryCodesAsync(user, context.RequestAborted);
            LogChanged(page.Logger, user, "recovery codes regenerated");
            return RecoveryCodesPage("New recovery codes", codes, oldCodesRevoked: true);
        });

    private static Task<IResult> ChangeModeAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "change the mode", async user =>
        {
            var mode = ReadMode(form, TwoFactorMode.AuthAndWrites);
            if (await page.Enrolment.SetModeAsync(user, mode, context.RequestAborted) is { } refusal)
            {
                return await RefuseAsync(context, page, refusal, 403);
            }

            LogChanged(page.Logger, user, "mode changed to " + mode.ToWire());
            return await ConfirmAsync(context, page, $"Mode changed to {mode.ToWire()}.");
        });

    private static Task<IResult> DisableAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, PasswordChecker passwords) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOnly, "disable 2FA", async user =>
        {
            if (!await passwords.IsValidAsync(user, form["password"].ToString(), context.RequestAborted))
            {
                return await RefuseAsync(context, page, "The password is not correct; two-factor authentication was not disabled.", 403);
            }

            if (await page.Enrolment.DisableAsync(user, context.RequestAborted) is { } refusal)
            {
                return await RefuseAsync(context, page, refusal, 403);
            }

            LogChanged(page.Logger, user, "2FA disabled");
            return await ConfirmAsync(context, page, "Two-factor authentication is disabled.");
        });

    [LoggerMessage(EventId = LogEvents.AccountChanged, Level = LogLevel.Information, Message = "Account of user {User}: {Change}")]
    private static partial void LogChanged(ILogger logger, string user, string change);
}
