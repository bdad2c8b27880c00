namespace FastBroker.Load.Targets.Internal;

/// <summary>The publishers and consumers a target handed out, so disposing the target closes every one of them.</summary>
internal sealed class OwnedDisposables
{
    private readonly Lock _lock = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public T Own<T>(T item) where T : IAsyncDisposable
    {
        lock (_lock)
            _owned.Add(item);
        return item;
    }

    public async ValueTask DisposeAllAsync()
    {
        IAsyncDisposable[] owned;
        lock (_lock)
        {
            owned = [.. _owned];
            _owned.Clear();
        }
        foreach (var item in owned)
            await item.DisposeAsync().ConfigureAwait(false);
    }
}
