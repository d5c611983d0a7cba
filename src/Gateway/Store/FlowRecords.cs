using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Browser flows: a hash of fields under the flow id's keyed hash, the done id's hash pointing at it, and the
/// completed flow's (encrypted) result, taken once. Ids arrive hashed; results arrive encrypted.
/// The flow and its done id are two cluster slots (<see cref="StoreKeys"/>), so each change writes the flow's
/// slot first and the done id's second: a failure in between leaves a flow the CLI never sees finish, never a
/// result without a completed flow.
/// </summary>
internal sealed class FlowRecords(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    private IDatabase Db => store.GetDatabase();

    public async ValueTask CreateAsync(string flowHash, string doneHash, IEnumerable<KeyValuePair<string, string>> fields, TimeSpan lifetime, CancellationToken cancellation)
    {
        var flowKey = StoreKeys.Flow(flowHash);
        await guard.ExecuteAsync(async ct =>
        {
            var tx = Db.CreateTransaction();
            _ = tx.HashSetAsync(flowKey, Entries(fields));
            _ = tx.KeyExpireAsync(flowKey, lifetime);
            await tx.ExecuteAsync();
            return await Db.StringSetAsync(StoreKeys.FlowDone(doneHash), flowHash, lifetime);
        }, cancellation);
    }

    /// <summary>The flow's fields; empty when it is unknown or expired.</summary>
    public async ValueTask<Dictionary<string, string>> GetAsync(string flowHash, CancellationToken cancellation)
    {
        var fields = await guard.ExecuteAsync(async _ => await Db.HashGetAllAsync(StoreKeys.Flow(flowHash)), cancellation);
        return fields.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
    }

    public ValueTask<string?> GetFieldAsync(string flowHash, string field, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await Db.HashGetAsync(StoreKeys.Flow(flowHash), field), cancellation);

    public async ValueTask UpdateAsync(string flowHash, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => { await Db.HashSetAsync(StoreKeys.Flow(flowHash), Entries(fields)); return true; }, cancellation);

    /// <summary>Adds one to a counting field of a live flow; 0 when the flow is unknown or expired (nothing is written then).</summary>
    public ValueTask<long> IncrementAsync(string flowHash, string field, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (long)(await Db.ScriptEvaluateAsync(
            "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)",
            [StoreKeys.Flow(flowHash)], [field])), cancellation);

    /// <summary>Forgets a flow and its done id: its page and the CLI polling it then find nothing.</summary>
    public async ValueTask DeleteAsync(string flowHash, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ =>
        {
            var doneHash = (string?)await Db.HashGetAsync(StoreKeys.Flow(flowHash), "done");
            await Db.KeyDeleteAsync(StoreKeys.Flow(flowHash));
            return doneHash is null || await Db.KeyDeleteAsync(StoreKeys.FlowDone(doneHash));
        }, cancellation);

    /// <summary>Stores the result for the flow's done id, marks the flow completed and drops <paramref name="dropField"/>.</summary>
    public async ValueTask CompleteAsync(string flowHash, string protectedResult, string dropField, TimeSpan lifetime, CancellationToken cancellation)
    {
        var flowKey = StoreKeys.Flow(flowHash);
        await guard.ExecuteAsync(async ct =>
        {
            var doneHash = (string?)await Db.HashGetAsync(flowKey, "done") ?? throw new InvalidOperationException("The flow has expired.");
            var tx = Db.CreateTransaction();
            _ = tx.HashSetAsync(flowKey, [new("completed", 1)]);
            _ = tx.HashDeleteAsync(flowKey, dropField);
            await tx.ExecuteAsync();
            return await Db.StringSetAsync(StoreKeys.FlowResult(doneHash), protectedResult, lifetime);
        }, cancellation);
    }

    /// <summary>Unknown (expired), pending, or the encrypted result exactly once (the done id is then forgotten).</summary>
    public ValueTask<(bool Known, string? ProtectedResult)> TakeResultAsync(string doneHash, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ =>
        {
            var taken = await Db.StringGetDeleteAsync(StoreKeys.FlowResult(doneHash));
            if (taken.HasValue)
            {
                await Db.KeyDeleteAsync(StoreKeys.FlowDone(doneHash));
                return (true, (string?)taken);
            }

            return (await Db.KeyExistsAsync(StoreKeys.FlowDone(doneHash)), (string?)null);
        }, cancellation);

    private static HashEntry[] Entries(IEnumerable<KeyValuePair<string, string>> fields) =>
        [.. fields.Select(f => new HashEntry(f.Key, f.Value))];
}
