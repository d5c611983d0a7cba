using Gateway.Audit;

namespace Gateway.Browser;

/// <summary>The account page's security history (like PyPI's): the signed-in user's newest audit events (shown by <c>Pages/Account/HistorySection.razor</c>).</summary>
internal static partial class AccountPages
{
    private const int HistoryLength = 20;

    private static ValueTask<IReadOnlyList<AuditEvent>> LoadHistoryAsync(HttpContext context, string user) =>
        context.RequestServices.GetRequiredService<AuditTrail>().NewestAsync(user, HistoryLength, context.RequestAborted);
}
