using System.Threading.Tasks.Sources;

namespace FastBroker.Load.Targets;

/// <summary>
/// Presents a <c>ValueTask&lt;long&gt;</c> as a <see cref="ValueTask"/> without an async method (whose box would be
/// an allocation per message). It forwards status, result and continuation to the wrapped task lazily: a caller
/// that finds the publish already acknowledged costs one status check. After its result is read the relay goes
/// back to its pool; the token (a version number) catches a stale second await.
/// </summary>
internal sealed class AckRelay : IValueTaskSource
{
    private readonly Pool _pool;
    private readonly Action _onInnerCompleted;
    private ValueTask<long> _inner;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private short _version;

    private AckRelay(Pool pool)
    {
        _pool = pool;
        _onInnerCompleted = OnInnerCompleted;
    }

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token)
    {
        CheckToken(token);
        if (!_inner.IsCompleted)
            return ValueTaskSourceStatus.Pending;
        if (_inner.IsCompletedSuccessfully)
            return ValueTaskSourceStatus.Succeeded;
        return _inner.IsCanceled ? ValueTaskSourceStatus.Canceled : ValueTaskSourceStatus.Faulted;
    }

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        CheckToken(token);
        (_continuation, _continuationState) = (continuation, state);
        var awaiter = _inner.ConfigureAwait(false).GetAwaiter();
        // The harness awaits with ConfigureAwait(false) and no ambient context worth flowing.
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
            awaiter.OnCompleted(_onInnerCompleted);
        else
            awaiter.UnsafeOnCompleted(_onInnerCompleted);
    }

    /// <inheritdoc/>
    public void GetResult(short token)
    {
        CheckToken(token);
        var inner = _inner;
        _inner = default;
        _version++;
        _pool.Return(this);
        inner.GetAwaiter().GetResult();
    }

    private void OnInnerCompleted()
    {
        var (continuation, state) = (_continuation!, _continuationState);
        (_continuation, _continuationState) = (null, null);
        continuation(state);
    }

    private void CheckToken(short token)
    {
        if (token != _version)
            throw new InvalidOperationException("This publish was already awaited.");
    }

    /// <summary>Relays of one publisher. Thread-safe: rented by the publishing loop, returned wherever results are read.</summary>
    public sealed class Pool
    {
        private readonly Lock _lock = new();
        private readonly Stack<AckRelay> _free = new();

        /// <summary>A <see cref="ValueTask"/> completing when <paramref name="ack"/> does.</summary>
        public ValueTask Rent(ValueTask<long> ack)
        {
            AckRelay? relay;
            lock (_lock)
                _free.TryPop(out relay);
            relay ??= new AckRelay(this);
            relay._inner = ack;
            return new ValueTask(relay, relay._version);
        }

        internal void Return(AckRelay relay)
        {
            lock (_lock)
                _free.Push(relay);
        }
    }
}
