using static Gateway.IntegrationTests.Fuzz.RequestPathSpec;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The user segment of a couch login path. Verdaccio logs in the user named in the body and ignores the
/// path, and its route is <c>PUT /-/user/:org_couchdb_user/:_rev?/:revision?</c>: the segment need not start
/// with <c>org.couchdb.user:</c> at all, and up to two more segments may follow. So the path names the actor,
/// another user, nobody, no one, or shapes the gateway's route template may not read as a login.
/// </summary>
internal static class LoginPathUser
{
    public static PathPiece[] Segment(ActionInput input)
    {
        var actor = input.Actor.Name;
        var roll = input.Random.Next(100);
        var (prefix, user) = roll switch
        {
            < 30 => ("org.couchdb.user:", actor),
            < 45 => ("org.couchdb.user:", input.World.Nobody),
            < 53 => ("org.couchdb.user:", ""),
            < 60 => ("org.couchdb.user:", input.World.Other(input.Actor).Name),
            < 67 => ("org.couchdb.user:", actor + "/-rev"),
            < 73 => ("org.couchdb.user:", actor + "%2Fx"),
            < 78 => ("org.couchdb.user:", actor + "%2f-rev"),
            < 84 => ("org.couchdb.user:", actor + "/x/y"),
            < 90 => ("", actor),
            < 95 => ("", "token/" + actor),
            _ => ("org.couchdb.user%3A", actor),
        };
        return [Literal(prefix), Value(user)];
    }
}
