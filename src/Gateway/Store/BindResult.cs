namespace Gateway.Store;

/// <summary>What a bind-once claim found (<see cref="BindOnceScript"/>).</summary>
internal enum BindResult
{
    /// <summary>The slot was free: the caller is now its owner.</summary>
    Claimed,

    /// <summary>The caller had already claimed it.</summary>
    Owner,

    /// <summary>Someone else holds it.</summary>
    Other,
}

internal static class BindResults
{
    public static BindResult Parse(string? answer) => answer switch
    {
        "claimed" => BindResult.Claimed,
        "owner" => BindResult.Owner,
        _ => BindResult.Other,
    };

    /// <summary>The caller owns the slot, now or from before.</summary>
    public static bool IsOwner(this BindResult result) => result != BindResult.Other;
}
