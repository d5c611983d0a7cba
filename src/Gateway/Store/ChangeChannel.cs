using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// One pub/sub channel on which a record class announces that a record changed, to every instance's caches (which
/// this class knows nothing of). The channel is subscribed when the first observer attaches, so a store without
/// observers never subscribes. The instance that made the change hears at once: delivery is asynchronous, and the
/// caller's very next request must see it.
/// </summary>
internal sealed class ChangeChannel
{
    private readonly IConnectionMultiplexer _store;
    private readonly RedisChannel _channel;
    private readonly Lock _observers = new();
    private Action<string>? _changed;
    private bool _subscribed;

    public ChangeChannel(IConnectionMultiplexer store, string channel)
    {
        _store = store;
        _channel = RedisChannel.Literal(channel);
        // Messages may have been missed: after a reconnect, and when a cluster or sentinel failover moved the
        // subscription to another node (a node that never comes back never "restores"; docs/SCALING.md, pub/sub).
        store.ConnectionRestored += (_, _) => Reconnected?.Invoke();
        store.ConnectionFailed += (_, _) => Reconnected?.Invoke();
        store.ConfigurationChanged += (_, _) => Reconnected?.Invoke();
    }

    /// <summary>A record changed, on this instance or (as announced) on another; the argument names it.</summary>
    public event Action<string>? Changed
    {
        add
        {
            lock (_observers)
            {
                if (!_subscribed)
                {
                    _store.GetSubscriber().Subscribe(_channel, (_, name) => _changed?.Invoke(name!));
                    _subscribed = true;
                }

                _changed += value;
            }
        }

        remove
        {
            lock (_observers)
            {
                _changed -= value;
            }
        }
    }

    /// <summary>The connection came back or moved: changes announced meanwhile may have been missed.</summary>
    public event Action? Reconnected;

    public async Task AnnounceAsync(string name)
    {
        _changed?.Invoke(name);
        await _store.GetSubscriber().PublishAsync(_channel, name);
    }
}
