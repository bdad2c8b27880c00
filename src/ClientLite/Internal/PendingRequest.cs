using System.Buffers;
using System.Threading.Tasks.Sources;
using FastBroker.Wire;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// One request waiting for its response, reused through the connection's pool so a request allocates no
/// completion object. Whoever removes it from the connection's pending table (receive loop, timeout sweep,
/// cancellation, shutdown) is the only one allowed to complete it, so it completes exactly once.
/// </summary>
internal sealed class PendingRequest : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    public PendingRequest(BrokerConnection owner) => Owner = owner;

    public BrokerConnection Owner { get; }

    public uint Id { get; set; }

    public Opcode Opcode { get; set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) after which the sweep fails the request.</summary>
    public long Deadline { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The response body, rented from <see cref="ArrayPool{T}.Shared"/>; valid once completed.</summary>
    public byte[]? Body { get; private set; }

    public int BodyLength { get; private set; }

    public ReadOnlySpan<byte> BodySpan => Body is null ? default : Body.AsSpan(0, BodyLength);

    public ValueTask WaitAsync() => new(this, _core.Version);

    public void SetResponse(byte[] body, int length)
    {
        Body = body;
        BodyLength = length;
        _core.SetResult(true);
    }

    public void SetError(Exception error) => _core.SetException(error);

    /// <summary>Hands the body to a new owner (a fetch result), so <see cref="Reset"/> does not return it.</summary>
    public byte[]? TakeBody()
    {
        var body = Body;
        Body = null;
        BodyLength = 0;
        return body;
    }

    public void Reset()
    {
        var body = TakeBody();
        if (body is not null)
            ArrayPool<byte>.Shared.Return(body);
        Id = 0;
        Registration = default;
        _core.Reset();
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
