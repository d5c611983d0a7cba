using static Gateway.IntegrationTests.Fuzz.RequestPathSpec;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The user segment of a couch login path. Verdaccio logs in the user named in the body and ignores the
/// path, so the path names everyone and no one: the actor, another user, nobody, or shapes the gateway's
/// route template may not read as a user at all.
/// </summary>
internal static class LoginPathUser
{
    public static PathPiece[] Segment(ActionInput input)
    {
        var actor = input.Actor.Name;
        var roll = input.Random.Next(100);
        var user = roll switch
        {
            < 35 => actor,
            < 55 => input.World.Nobody,
            < 65 => "",
            < 75 => input.World.Other(input.Actor).Name,
            < 85 => actor + "/-rev",
            < 92 => actor + "%2Fx",
            _ => actor + "%2f-rev",
        };
        return [Literal("org.couchdb.user:"), Value(user)];
    }
}
