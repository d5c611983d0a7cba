using Gateway.Accounts;
using Gateway.Http;
using Gateway.Identity;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Antiforgery;
using QRCoder;
using static Gateway.Browser.Html;

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
        return gateway;
    }

    /// <param name="Fresh">Whether the session's step-up is fresh: forms then need no second factor of their own.</param>
    private sealed record AccountView(string User, UserTwoFactorState State, IReadOnlyList<SecurityKeyInfo> Keys, long RecoveryCodes, bool Fresh, string Window);

    private static async Task<AccountView> LoadAsync(HttpContext context, IUserTwoFactorStore accounts, SecurityKeys keys)
    {
        var user = context.User.Username();
        var state = await accounts.GetAsync(user, context.RequestAborted);
        var stepUp = context.RequestServices.GetRequiredService<StepUp>();
        return new AccountView(user, state, await keys.ListAsync(user, context.RequestAborted), await accounts.CountRecoveryCodesAsync(user, context.RequestAborted),
            stepUp.IsFresh(context.User, state.Mode != TwoFactorMode.Disabled), stepUp.WindowText);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, [AsParameters] AccountPageServices page) =>
        Render(context, page.Antiforgery, await LoadAsync(context, page.Accounts, page.Keys), null, null);

    private static IResult Render(HttpContext context, IAntiforgery antiforgery, AccountView view, string? notice, string? error, int status = 200)
    {
        var token = Antiforgery(antiforgery.GetAndStoreTokens(context).RequestToken!);
        var enabled = view.State.Mode != TwoFactorMode.Disabled;
        var hasKeys = view.Keys.Count > 0;
        // Disabling always takes a second factor in the form; other changes only when the step-up is stale.
        var disableFactor = SecondFactorFields(hasKeys, "session");
        var secondFactor = view.Fresh || !enabled ? "" : disableFactor;
        var body = $"""
            {Notice(notice)}{Error(error)}
            {StepUpSection(view, token, hasKeys)}
            <section id="status">
            <p>Signed in as <strong id="username">{E(view.User)}</strong>.</p>
            <p>Two-factor authentication: <strong id="mode">{E(view.State.Mode.ToWire())}</strong></p>
            <form method="post" action="{GatewayUrls.SignOut}">{token}<button type="submit">Sign out</button></form>
            </section>

            <section id="totp">
            <h2>Authenticator app</h2>
            {(view.State.HasTotp
                ? $"""<p id="totp-status">Configured.</p><form method="post" action="{GatewayUrls.TotpRemove}" id="remove-totp">{token}{secondFactor}<button type="submit">Remove authenticator app</button></form>"""
                : $"""
                    <p id="totp-status">Not configured.</p>
                    <form method="post" action="{GatewayUrls.TotpStart}" id="start-totp">{token}
                    {(enabled ? "" : ModeChoice(TwoFactorMode.AuthAndWrites))}{secondFactor}
                    <button type="submit">Set up an authenticator app</button></form>
                    """)}
            </section>

            <section id="keys">
            <h2>Security keys</h2>
            {KeyTable(view.Keys, token, secondFactor)}
            <form method="post" action="{GatewayUrls.Keys}" id="add-key">{token}
            <label>Name <input name="name" value="Security key" maxlength="{SecurityKeys.MaxKeyNameLength}" required></label>
            <input type="hidden" name="ceremonyId"><input type="hidden" name="credential">
            {(enabled ? "" : ModeChoice(TwoFactorMode.AuthAndWrites))}
            {(view.Fresh ? """<button type="button" class="add-key">Add security key</button>""" : """<p class="hint" id="add-key-step-up">Confirm it's you (above) to add a key.</p>""")}
            </form>
            </section>

            {(enabled ? $"""
                <section id="recovery">
                <h2>Recovery codes</h2>
                <p><span id="recovery-count">{view.RecoveryCodes}</span> unused recovery codes.</p>
                <form method="post" action="{GatewayUrls.RecoveryCodes}" id="regenerate">{token}{secondFactor}<button type="submit">Regenerate recovery codes</button></form>
                </section>

                <section id="mode-section">
                <h2>Mode</h2>
                <form method="post" action="{GatewayUrls.Mode}" id="change-mode">{token}
                {ModeChoice(view.State.Mode)}{secondFactor}<button type="submit">Change mode</button></form>
                </section>

                <section id="disable-section">
                <h2>Disable two-factor authentication</h2>
                <form method="post" action="{GatewayUrls.Disable}" id="disable">{token}
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                {disableFactor}<button type="submit">Disable 2FA</button></form>
                </section>
                """ : "")}
            """;
        return Page(context, "Account", body, status);
    }

    private static string ModeChoice(TwoFactorMode current) => $"""
        <fieldset><legend>Require a second factor for</legend>
        <label><input type="radio" name="mode" value="auth-and-writes"{(current != TwoFactorMode.AuthOnly ? " checked" : "")}> login and every write (auth-and-writes)</label>
        <label><input type="radio" name="mode" value="auth-only"{(current == TwoFactorMode.AuthOnly ? " checked" : "")}> login, tokens and profile only (auth-only)</label>
        </fieldset>
        """;

    private static string KeyTable(IReadOnlyList<SecurityKeyInfo> keys, string token, string secondFactor) =>
        keys.Count == 0
            ? """<p id="no-keys">No security keys.</p>"""
            : "<table id=\"key-list\"><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr>"
              + string.Concat(keys.Select(k => $"""
                  <tr class="key"><td class="key-name">{E(k.Name)}</td><td>{k.CreatedAt:yyyy-MM-dd HH:mm}</td><td>{(k.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm") : "never")}</td>
                  <td><details><summary>Remove</summary><form method="post" action="{E(GatewayUrls.RemoveKey(k.Id))}" class="remove-key">{token}{secondFactor}<button type="submit">Remove {E(k.Name)}</button></form></details></td></tr>
                  """))
              + "</table>";

    private static TwoFactorMode ReadMode(IFormCollection form, TwoFactorMode fallback) =>
        TwoFactorModes.TryParse(form["mode"].ToString(), out var mode) && mode != TwoFactorMode.Disabled ? mode : fallback;

    private static Task<IResult> StartTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, EnrolmentTickets tickets) =>
        WithStepUpAsync(context, form, page, FactorRule.Enrol, "start an authenticator app", async user =>
        {
            var state = await page.Accounts.GetAsync(user, context.RequestAborted);
            var mode = state.Mode != TwoFactorMode.Disabled ? state.Mode : ReadMode(form, TwoFactorMode.AuthAndWrites);
            var url = await page.Enrolment.StartAsync(user, mode, context.RequestAborted);
            var pending = (await page.Accounts.GetAsync(user, context.RequestAborted)).PendingProtectedSecret ?? "";
            return TotpSetupPage(context, page.Antiforgery, url, tickets.Issue(user, context.User.SessionId(), pending));
        });

    private static IResult TotpSetupPage(HttpContext context, IAntiforgery antiforgery, string url, string ticket)
    {
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["secret"];
        var qr = Convert.ToBase64String(PngByteQRCodeHelper.GetQRCode(url, QRCodeGenerator.ECCLevel.M, 6));
        return Page(context, "Set up an authenticator app", $"""
            <p>Scan the code with your authenticator app, or enter the secret by hand, then type the code it shows.</p>
            <p class="qr"><img id="qr" alt="QR code of the authenticator secret" src="data:image/png;base64,{qr}"></p>
            <p>Secret: <code class="secret" id="secret">{E(secret)}</code></p>
            <form method="post" action="{GatewayUrls.TotpConfirm}" id="confirm-totp">
            {Antiforgery(antiforgery.GetAndStoreTokens(context).RequestToken!)}
            <input type="hidden" name="enrolment" value="{E(ticket)}">
            <label>Code from the app <input name="code" autocomplete="one-time-code" inputmode="numeric" required></label>
            <button type="submit">Enable</button>
            </form>
            """);
    }

    private static async Task<IResult> ConfirmTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, EnrolmentTickets tickets)
    {
        var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
        var user = context.User.Username();
        var state = await accounts.GetAsync(user, context.RequestAborted);
        // Only the enrolment this session started with a fresh step-up, within one window of that start.
        if (state.PendingProtectedSecret is not { } pending || !tickets.IsValid(form["enrolment"].ToString(), user, context.User.SessionId(), pending))
        {
            LogStepUpRequired(logger, user, "confirm an authenticator app");
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "This set-up has expired or was not started here; nothing was changed. Set up the authenticator app again.", 401);
        }

        var (codes, lockedOutFor) = await enrolment.ConfirmAsync(user, state, form["code"].ToString(), context.RequestAborted);
        if (lockedOutFor is { } wait)
        {
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, $"Too many failed attempts. Try again in {(int)Math.Ceiling(wait.TotalSeconds)} seconds.", 429);
        }

        if (codes is null)
        {
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "That code does not match the new secret; the authenticator app was not enabled. Set it up again.", 400);
        }

        LogChanged(logger, user, "authenticator app enabled");
        return Page(context, "Authenticator app enabled", RecoveryCodeList(codes) + $"""<p><a href="{GatewayUrls.Account}" id="continue">Continue to your account</a></p>""");
    }

    // The form's ceremonyId/credential are the new key's registration, not a second factor: only a fresh step-up counts.
    private static Task<IResult> AddKeyAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FreshOnly, "add a security key", user => CompleteKeyAsync(user, context, form, page));

    private static async Task<IResult> CompleteKeyAsync(string user, HttpContext context, IFormCollection form, AccountPageServices page)
    {
        var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
        var name = form["name"].ToString().Trim() is { Length: > 0 } n ? n : "Security key"; // SecurityKeys cleans and caps it
        var result = await keys.CompleteRegistrationAsync(user, form["ceremonyId"].ToString(), form["credential"].ToString(), name, context, context.RequestAborted);
        if (!result.Succeeded)
        {
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "The security key could not be added. Try again.", 400);
        }

        LogChanged(logger, user, "security key added");
        var codes = await enrolment.KeyAddedAsync(user, ReadMode(form, TwoFactorMode.AuthAndWrites), context.RequestAborted);
        return codes is null
            ? Render(context, antiforgery, await LoadAsync(context, accounts, keys), "Security key added.", null)
            : Page(context, "Security key added", RecoveryCodeList(codes) + $"""<p><a href="{GatewayUrls.Account}" id="continue">Continue to your account</a></p>""");
    }

    private static Task<IResult> RemoveTotpAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "remove the authenticator app", async user =>
        {
            var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
            if (await enrolment.RemoveAuthenticatorAsync(user, context.RequestAborted) == FactorRemoval.OnlyFactor)
            {
                return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "The authenticator app is your only second factor: disable 2FA instead (that needs your password).", 400);
            }

            LogChanged(logger, user, "authenticator app removed");
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), "Authenticator app removed.", null);
        });

    private static Task<IResult> RemoveKeyAsync(string keyId, HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "remove a security key", async user =>
        {
            var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
            var removal = await enrolment.RemoveKeyAsync(user, keyId, context.RequestAborted);
            if (removal == FactorRemoval.OnlyFactor)
            {
                return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "This key is your only second factor: disable 2FA instead (that needs your password).", 400);
            }

            LogChanged(logger, user, removal == FactorRemoval.Removed ? "security key removed" : "security key to remove not found");
            return removal == FactorRemoval.Removed
                ? Render(context, antiforgery, await LoadAsync(context, accounts, keys), "Security key removed.", null)
                : Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "No such key.");
        });

    private static Task<IResult> RegenerateRecoveryCodesAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "regenerate recovery codes", async user =>
        {
            var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
            var codes = await enrolment.RegenerateRecoveryCodesAsync(user, context.RequestAborted);
            LogChanged(logger, user, "recovery codes regenerated");
            return Page(context, "New recovery codes", RecoveryCodeList(codes) + $"""<p>The old codes no longer work.</p><p><a href="{GatewayUrls.Account}" id="continue">Continue to your account</a></p>""");
        });

    private static Task<IResult> ChangeModeAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "change the mode", async user =>
        {
            var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
            var mode = ReadMode(form, TwoFactorMode.AuthAndWrites);
            if (await enrolment.SetModeAsync(user, mode, context.RequestAborted) is { } refusal)
            {
                return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, refusal, 403);
            }

            LogChanged(logger, user, "mode changed to " + mode.ToWire());
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), $"Mode changed to {mode.ToWire()}.", null);
        });

    private static Task<IResult> DisableAsync(HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, PasswordChecker passwords) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOnly, "disable 2FA", async user =>
        {
            var (antiforgery, accounts, keys, _, _, enrolment, logger) = page;
            if (!await passwords.IsValidAsync(user, form["password"].ToString(), context.RequestAborted))
            {
                return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, "The password is not correct; two-factor authentication was not disabled.", 403);
            }

            if (await enrolment.DisableAsync(user, context.RequestAborted) is { } refusal)
            {
                return Render(context, antiforgery, await LoadAsync(context, accounts, keys), null, refusal, 403);
            }

            LogChanged(logger, user, "2FA disabled");
            return Render(context, antiforgery, await LoadAsync(context, accounts, keys), "Two-factor authentication is disabled.", null);
        });

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Account of user {User}: {Change}")]
    private static partial void LogChanged(ILogger logger, string user, string change);
}
