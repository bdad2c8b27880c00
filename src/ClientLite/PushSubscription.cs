using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

/// <summary>
/// Push delivery from a shared subscription: the broker sends messages as they become visible, never more than
/// the credit this subscription granted. It grants <see cref="Prefetch"/> up front and grants more as messages are
/// settled (acked or nacked; under ack mode none, as <see cref="ReadAllAsync"/> hands them out): in chunks of at
/// least a quarter of the prefetch while messages are buffered, everything owed as soon as a reader finds the
/// buffer empty. So the broker never has more than <see cref="Prefetch"/> unsettled messages out to it. Thread-safe; several readers may share it, each message going to one of them.
/// </summary>
/// <remarks>
/// The subscription ends when it is disposed (<see cref="ReadAllAsync"/> then ends), when the broker sends an
/// error for it, or when the connection is lost (<see cref="ReadAllAsync"/> then throws that error).
/// </remarks>
public sealed class PushSubscription : IAsyncDisposable
{
    private const int Starting = 0, Live = 1, Stopping = 2, Ended = 3;

    private readonly QueueConsumer _consumer;
    private readonly BrokerConnection _connection;
    private readonly Channel<QueueMessage> _buffer = Channel.CreateUnbounded<QueueMessage>(
        new UnboundedChannelOptions { SingleWriter = true, SingleReader = false, AllowSynchronousContinuations = false });
    private readonly bool _creditOnConsume;
    private readonly int _creditChunk;
    private readonly Lock _lock = new();
    private long _granted;
    private long _settled;
    private int _state;
    private Exception? _error;

    internal PushSubscription(QueueConsumer consumer, int prefetch, bool creditOnConsume)
    {
        _consumer = consumer;
        _connection = consumer.Connection;
        Prefetch = prefetch;
        _creditOnConsume = creditOnConsume;
        _creditChunk = Math.Max(1, prefetch / 4);
        _granted = prefetch;
    }

    /// <summary>The consumer this subscription delivers for.</summary>
    public QueueConsumer Consumer => _consumer;

    /// <summary>Unsettled messages the broker may have out to this subscription, at most.</summary>
    public int Prefetch { get; }

    /// <summary>True under ack mode none: credit comes back as messages are handed out, and they need no ack.</summary>
    internal bool CreditOnConsume => _creditOnConsume;

    /// <summary>The push id: the request id of the Subscribe, which the broker's Deliver frames carry.</summary>
    internal uint PushId { get; set; }

    /// <summary>
    /// Yields messages as they are pushed, ordered per partition by offset within each delivery. Ends when the
    /// subscription is disposed, and throws the reason when the broker ends it or the connection is lost
    /// (<see cref="BrokerException"/>, <see cref="BrokerConnectionException"/>). Messages delivered but not yet
    /// yielded when it ends are not handed out. Each message must be acked or nacked (unless the subscription's
    /// ack mode is none) for credit to come back; holding <see cref="Prefetch"/> unsettled messages stops delivery.
    /// </summary>
    public async IAsyncEnumerable<QueueMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = _buffer.Reader;
        while (true)
        {
            while (TryTake(out var message))
            {
                if (_creditOnConsume && message.TakeCredit() is { } push)
                    push.OnSettled(1);
                yield return message;
            }
            if (Volatile.Read(ref _state) >= Stopping)
                break;
            // Nothing in hand: grant whatever is owed now rather than at the next chunk, or a reader holding most of
            // the prefetch unsettled while it waits for more would wait forever.
            GrantOwed(1);
            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                break;
        }
        if (Volatile.Read(ref _error) is { } error)
            ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>
    /// Ends the subscription: sends Unsubscribe and waits for its answer, after which the broker pushes nothing
    /// more. Messages pushed but not yet handed out by <see cref="ReadAllAsync"/> are nacked so other consumers get
    /// them at once; messages handed out and not settled stay in flight until they are settled or time out.
    /// Never throws; safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        int was;
        lock (_lock)
        {
            was = _state;
            if (was >= Stopping)
                return;
            _state = Stopping;
        }
        _consumer.Forget(this);
        if (PushId != 0)
        {
            try
            {
                await _connection.UnsubscribeAsync(PushId).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
            {
                // Already ended at the broker, or the connection is gone (which releases everything anyway).
            }
        }
        _connection.RemovePush(this);
        Finish(null);
        await ReleaseBufferedAsync().ConfigureAwait(false);
    }

    /// <summary>Marks the subscription live once the broker accepted the Subscribe.</summary>
    internal void Activate()
    {
        lock (_lock)
        {
            if (_state == Starting)
                _state = Live;
        }
    }

    /// <summary>Decodes a Deliver frame into the buffer (on the connection's receive loop); false when the body is malformed.</summary>
    internal bool OnDeliver(ReadOnlySpan<byte> body)
    {
        var status = DeliveryDecoder.Decode(body, _consumer, this, out var messages, out string? problem);
        if (status == DeliveryStatus.Malformed)
            return false;
        if (status == DeliveryStatus.Corrupt)
        {
            _connection.RemovePush(this);
            End(new BrokerException(ErrorCode.CorruptBatch, $"A push from {_consumer.Topic}/{_consumer.Subscription} carried {problem}."));
            return true;
        }
        foreach (var message in messages)
            _buffer.Writer.TryWrite(message);
        return true;
    }

    /// <summary>Ends the subscription because of <paramref name="error"/> (broker error, lost connection).</summary>
    internal void End(Exception error)
    {
        lock (_lock)
        {
            // While disposing, the Unsubscribe answer (or its failure) finishes the subscription.
            if (_state >= Stopping)
                return;
            _state = Ended;
        }
        _consumer.Forget(this);
        Finish(error);
        // A broker error leaves the connection up: give back what was pushed and not handed out.
        if (error is not BrokerConnectionException)
            _ = ReleaseBufferedAsync().AsTask();
    }

    /// <summary>Counts messages settled and grants the broker matching credit once enough is owed.</summary>
    internal void OnSettled(int count)
    {
        lock (_lock)
            _settled += count;
        GrantOwed(_creditChunk);
    }

    /// <summary>
    /// Grants the credit settled messages freed once at least <paramref name="minimum"/> is owed. Granted never
    /// exceeds settled + <see cref="Prefetch"/>, and settlements are counted only after their frames are queued,
    /// which is what bounds the unsettled messages at the broker by the prefetch.
    /// </summary>
    private void GrantOwed(long minimum)
    {
        uint grant = 0;
        lock (_lock)
        {
            long owed = _settled + Prefetch - _granted;
            if (_state is Starting or Live && owed >= minimum && owed > 0)
            {
                _granted += owed;
                grant = (uint)owed;
            }
        }
        if (grant > 0)
            _ = SendCreditAsync(grant);
    }

    private bool TryTake(out QueueMessage message)
    {
        lock (_lock)
        {
            if (_state >= Stopping)
            {
                message = null!;
                return false;
            }
            return _buffer.Reader.TryRead(out message!);
        }
    }

    private void Finish(Exception? error)
    {
        lock (_lock)
        {
            _state = Ended;
            _error ??= error;
        }
        _buffer.Writer.TryComplete();
    }

    private async ValueTask ReleaseBufferedAsync()
    {
        var left = new List<QueueMessage>();
        while (_buffer.Reader.TryRead(out var message))
        {
            if (!_creditOnConsume)
                left.Add(message);
        }
        if (left.Count == 0)
            return;
        try
        {
            await _consumer.ReleaseAsync(left).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
        {
            // Best effort: what is not nacked comes back when its visibility timeout passes.
        }
    }

    private async Task SendCreditAsync(uint credit)
    {
        var pending = _connection.StartCredit(PushId, credit);
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
        }
        catch (BrokerException e) when (e.Code != ErrorCode.UnknownSubscription)
        {
            // The broker refused credit it should accept: without it delivery would stall silently.
            _connection.RemovePush(this);
            End(e);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
        {
            // The subscription ended meanwhile (it learns so on its own path), or the connection is gone.
        }
        finally
        {
            _connection.Release(pending);
        }
    }
}
