using System.Globalization;
using System.Text.Json;
using Gateway.Http;
using Gateway.Staging;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm stage list</c>: <c>GET /-/stage?page=&amp;perPage=[&amp;package=]</c> → <c>{items, page, perPage, total}</c>, newest
/// first, only what the caller may see (<see cref="StageCallers"/>). npm and Yarn ask page after page until they hold
/// <c>total</c> items or a page comes back short, so <c>total</c> counts exactly the items the pages hold. <c>page</c>
/// starts at 0; <c>perPage</c> is 10 unless asked, at most 100 (npmjs's API).
/// </summary>
internal sealed class StageListEndpoint(StageCallers callers, StagedPublishes stages)
{
    private const int DefaultPerPage = 10;
    private const int MaxPerPage = 100;

    public async Task HandleAsync(HttpContext context)
    {
        var caller = await callers.CallerAsync(context);
        var query = context.Request.Query;
        var page = Number(query, "page", 0, int.MaxValue / MaxPerPage);
        var perPage = Math.Min(Number(query, "perPage", DefaultPerPage, int.MaxValue), MaxPerPage);
        if (perPage == 0)
        {
            throw new ClientInputException(StatusCodes.Status400BadRequest, "perPage must be at least 1.");
        }

        var package = query["package"] is { Count: 1 } named && named[0] is { Length: > 0 } name ? name : null;
        var visible = new List<string>();
        var maintained = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var stage in stages.NewestFirstAsync(context.RequestAborted))
        {
            if ((package is null || stage.Package == package) && await callers.CanSeeAsync(context, caller, stage, maintained))
            {
                visible.Add(stage.Item);
            }
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("items");
        foreach (var item in visible.Skip(page * perPage).Take(perPage))
        {
            json.WriteRawValue(item, skipInputValidation: true);
        }

        json.WriteEndArray();
        json.WriteNumber("page", page);
        json.WriteNumber("perPage", perPage);
        json.WriteNumber("total", visible.Count);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static int Number(IQueryCollection query, string key, int fallback, int max)
    {
        if (!query.TryGetValue(key, out var values))
        {
            return fallback;
        }

        return values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= max
            ? number
            : throw new ClientInputException(StatusCodes.Status400BadRequest, $"{key} must be a whole number from 0.");
    }
}
