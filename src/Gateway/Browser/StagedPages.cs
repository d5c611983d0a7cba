using Gateway.Accounts;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Staging;
using Gateway.Store;
using Gateway.TwoFactor;
using static Gateway.Browser.PageResults;

namespace Gateway.Browser;

/// <summary>
/// The "Staged releases" page (README.md, "Staged publishing"): the staged publishes the signed-in user may approve —
/// those they staged, and those of packages they maintain (<see cref="StageViewers"/>, the API's rule; the packuments
/// read as anyone may read them, since a page session carries no registry credential) — with the names of the files in
/// each tarball, and approve and reject with a second factor (in the form, or a fresh step-up: <see cref="StepUp"/>)
/// from an account with 2FA. Approving publishes with the approver's own registry credential, which the page gets from
/// the password in the form, for that one publish (<see cref="PasswordChecker.CredentialAsync"/>; docs/SECURITY.md,
/// "Staged publishes"): the registry's publish rights decide, as for <c>npm stage approve</c> (<see cref="StageDecisions"/>).
/// </summary>
internal static partial class StagedPages
{
    /// <summary>The log category of these pages (a static class cannot be one).</summary>
    internal sealed class Log;

    private const string EnableTwoFactor = "Approving and rejecting staged releases need two-factor authentication: enable it on your account page first.";
    private const string NotVisible = "No staged release with this id is visible to you (approved, rejected or expired meanwhile?).";

    public static RouteGroupBuilder MapStaged(this RouteGroupBuilder gateway)
    {
        var staged = gateway.MapGroup("/staged").RequireAuthorization();
        staged.MapGet("/", ShowAsync);
        staged.MapPost("/{stageId}/approve", ApproveAsync);
        staged.MapPost("/{stageId}/reject", RejectAsync);
        return gateway;
    }

    private static Task<IResult> ShowAsync(HttpContext context, [AsParameters] StagedPageServices page) => PageAsync(context, page);

    private static async Task<IResult> PageAsync(HttpContext context, StagedPageServices page, string? notice = null, string? error = null, int status = StatusCodes.Status200OK) =>
        Page<StagedPage>(new { View = await LoadAsync(context, page), Notice = notice, Error = error }, status);

    private static async Task<StagedView> LoadAsync(HttpContext context, StagedPageServices page)
    {
        var user = context.User.Username();
        var cancellation = context.RequestAborted;
        var enabled = (await page.Accounts.GetAsync(user, cancellation)).Mode != TwoFactorMode.Disabled;
        var releases = new List<StagedRelease>();
        var maintained = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var stage in page.Stages.NewestFirstAsync(cancellation))
        {
            if (await page.Viewers.CanSeeAsync(stage, user, authorization: "", maintained, cancellation))
            {
                releases.Add(await ReleaseAsync(stage, page.Files, cancellation));
            }
        }

        return new StagedView(user, enabled, enabled && await page.Keys.HasKeysAsync(user, cancellation),
            page.StepUp.IsFresh(context.User, enabled), page.StepUp.WindowText, releases);
    }

    private static async Task<StagedRelease> ReleaseAsync(StoredStage stage, StagedTarballFiles files, CancellationToken cancellation)
    {
        var item = StageItem.FromJson(stage.Item);
        var listed = await files.ListAsync(stage, cancellation);
        return new StagedRelease(stage.Id, stage.Package, stage.Version, item.Tag, stage.Actor, DateTimeOffset.FromUnixTimeMilliseconds(stage.StagedAtMs),
            stage.TarballLength, item.Shasum, listed.Names, listed.Complete, listed.Unreadable);
    }

    private static async Task<IResult> ApproveAsync(
        string stageId, HttpContext context, IFormCollection form, [AsParameters] StagedPageServices page,
        StageDecisions decisions, PasswordChecker passwords, PasswordGuesses guesses, Audit.AuditTrail audit)
    {
        var user = context.User.Username();
        if (await SecondFactorRefusalAsync(context, form, page, user) is { } refused)
        {
            return await RefuseAsync(context, page, user, "approve", refused.Error, refused.Status);
        }

        if (await VisibleStageAsync(stageId, user, page, context.RequestAborted, withDocument: true) is not { } stage)
        {
            return await RefuseAsync(context, page, user, "approve", NotVisible, StatusCodes.Status404NotFound);
        }

        // The password is a guess like a sign-in's: counted per client network, never per account (docs/SECURITY.md, "Password guessing").
        var guess = await guesses.BeginAsync(context.Connection.RemoteIpAddress, context.RequestAborted);
        if (guess.RetryAfter is { } retryAfter)
        {
            GatewayResponses.SetRetryAfter(context, retryAfter);
            return await RefuseAsync(context, page, user, "approve",
                $"Too many wrong passwords from your network. Try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds.", StatusCodes.Status429TooManyRequests);
        }

        var credential = await passwords.CredentialAsync(user, form["password"].ToString(), context.RequestAborted, context.Connection.RemoteIpAddress);
        if (credential is null)
        {
            // A signed-in session that gets the account's password wrong (a borrowed or stolen session?) is the
            // account's own history: recorded every time, under the signed-in user (docs/SECURITY.md, "Staged publishing").
            await audit.RecordAsync(Audit.AuditEventTypes.SignInRefused, user, WrongPasswords.Outcome(guess), "stage-approve", stage.Package, context.RequestAborted);
            return await RefuseAsync(context, page, user, "approve", "The password is not correct; nothing was published.", StatusCodes.Status403Forbidden);
        }

        await guesses.SucceededAsync(guess, context.RequestAborted);
        var outcome = await decisions.ApproveAsync(stage, user, credential, context.RequestAborted);
        return outcome.Published
            ? await PageAsync(context, page, $"{stage.Package}@{stage.Version} approved and published.")
            : await RefuseAsync(context, page, user, "approve", outcome.Message, outcome.Status);
    }

    private static async Task<IResult> RejectAsync(string stageId, HttpContext context, IFormCollection form, [AsParameters] StagedPageServices page, StageDecisions decisions)
    {
        var user = context.User.Username();
        if (await SecondFactorRefusalAsync(context, form, page, user) is { } refused)
        {
            return await RefuseAsync(context, page, user, "reject", refused.Error, refused.Status);
        }

        if (await VisibleStageAsync(stageId, user, page, context.RequestAborted) is not { } stage)
        {
            return await RefuseAsync(context, page, user, "reject", NotVisible, StatusCodes.Status404NotFound);
        }

        await decisions.RejectAsync(stage, user, context.RequestAborted);
        return await PageAsync(context, page, $"{stage.Package}@{stage.Version} rejected: it will not be published.");
    }

    /// <summary>
    /// Null when the account has 2FA and the form's second factor was verified (which renews the step-up) or the
    /// session's step-up is fresh; otherwise the words and status of the refusal, as the account page's changes
    /// (Browser/AccountPages.StepUp.cs).
    /// </summary>
    private static async Task<(string Error, int Status)?> SecondFactorRefusalAsync(HttpContext context, IFormCollection form, StagedPageServices page, string user)
    {
        if ((await page.Accounts.GetAsync(user, context.RequestAborted)).Mode == TwoFactorMode.Disabled)
        {
            return (EnableTwoFactor, StatusCodes.Status403Forbidden);
        }

        if (SecondFactorProof.Carries(form))
        {
            var result = await page.Proof.VerifyAsync(context, user, context.User.BindingId(), form);
            if (result.Outcome != VerificationOutcome.Verified)
            {
                return (SecondFactorProof.Describe(result), result.Outcome == VerificationOutcome.LockedOut ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
            }

            await page.StepUp.RecordSecondFactorAsync(context);
            return null;
        }

        return page.StepUp.IsFresh(context.User, hasTwoFactor: true)
            ? null
            : ($"Enter a one-time password or recovery code, or use your security key: approving and rejecting need a second factor from the last {page.StepUp.WindowText}. Nothing was changed.",
                StatusCodes.Status401Unauthorized);
    }

    /// <summary>The stage the form names if this user may see it; null for a malformed, unknown, expired or someone else's id alike.</summary>
    private static async Task<StoredStage?> VisibleStageAsync(string stageId, string user, StagedPageServices page, CancellationToken cancellation, bool withDocument = false) =>
        StagedPublishes.ParseId(stageId) is { } id
        && await page.Stages.FindAsync(id, cancellation, withDocument) is { } stage
        && await page.Viewers.CanSeeAsync(stage, user, authorization: "", [], cancellation)
            ? stage
            : null;

    private static Task<IResult> RefuseAsync(HttpContext context, StagedPageServices page, string user, string change, string error, int status)
    {
        LogRefused(page.Logger, user, change, status);
        return PageAsync(context, page, error: error, status: status);
    }

    [LoggerMessage(EventId = LogEvents.StagedPageRefused, Level = LogLevel.Warning, Message = "Staged releases page: refused to {Change} for user {User} ({Status})")]
    private static partial void LogRefused(ILogger logger, string user, string change, int status);
}
