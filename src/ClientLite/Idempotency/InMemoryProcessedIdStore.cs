namespace FastBroker.ClientLite.Idempotency;

/// <summary>
/// An <see cref="IProcessedIdStore"/> in process memory holding the last <see cref="Capacity"/> ids marked: when it
/// is full, the oldest is forgotten first. It catches duplicates that arrive while their id is still held, and only
/// in this process: a restart forgets everything. Use a database table (docs/QUEUES.md) when duplicates must never
/// apply twice. Thread-safe.
/// </summary>
public sealed class InMemoryProcessedIdStore : IProcessedIdStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<string>> _ids;
    private readonly LinkedList<string> _age = new();

    /// <summary>Creates a store that holds up to <paramref name="capacity"/> ids (at least 1).</summary>
    public InMemoryProcessedIdStore(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _ids = new Dictionary<string, LinkedListNode<string>>(Math.Min(capacity, 1024), StringComparer.Ordinal);
    }

    /// <summary>Most ids held at once.</summary>
    public int Capacity { get; }

    /// <summary>Ids held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _ids.Count;
        }
    }

    /// <summary>True while <paramref name="id"/> is held.</summary>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
            return _ids.ContainsKey(id);
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryMarkProcessedAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (_ids.ContainsKey(id))
                return ValueTask.FromResult(false);
            if (_ids.Count == Capacity)
            {
                var oldest = _age.First!;
                _age.RemoveFirst();
                _ids.Remove(oldest.Value);
            }
            _ids.Add(id, _age.AddLast(id));
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask ForgetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (_ids.Remove(id, out var node))
                _age.Remove(node);
        }
        return ValueTask.CompletedTask;
    }
}
