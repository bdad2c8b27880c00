using System.Buffers;
using System.Net;
using FastBroker.Server.Hosting;
using FastBroker.Server.Journal;
using FastBroker.Server.Positions;
using FastBroker.Server.Sessions;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>What a client hears when a store's loop has stopped: the error and the reason, never silence.</summary>
public sealed class SessionLoopFailureTests : IAsyncLifetime
{
    private readonly QueueBroker _broker = new();
    private readonly CancellationTokenSource _stopping = new();
    private PositionStore _positions = null!;
    private Session _session = null!;

    public async Task InitializeAsync()
    {
        _positions = PositionStore.Open(_broker.Root, FsyncPolicy.Always, NullLogger.Instance);
        var options = new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), DataDirectory = _broker.Root };
        _session = new Session(new BrokerContext(options.Sessions, _broker.Registry, _broker.Subscriptions, _positions, _broker.Time, NullLoggerFactory.Instance, _stopping.Token), 1);
        var handshake = await SendAsync((w, id) => FrameWriter.WriteHandshake(w, id, "test"u8));
        Assert.Equal(OutboundKind.Handshake, handshake.Kind);
    }

    public async Task DisposeAsync()
    {
        _session.Dispose();
        await _positions.DisposeAsync();
        await _broker.DisposeAsync();
        _stopping.Dispose();
    }

    private uint _nextId = 1;

    private async Task<Outbound> SendAsync(Action<IBufferWriter<byte>, uint> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer, _nextId++);
        var header = FrameHeader.Read(buffer.WrittenSpan);
        var body = new ReadOnlySequence<byte>(buffer.WrittenMemory[FrameHeader.Size..]);
        Assert.True(await _session.HandleFrameAsync(header, body));
        var response = await _session.Responses.ReadAsync().AsTask().WaitAsync(QueueBroker.Patience);
        Assert.Equal(header.RequestId, response.RequestId);
        return response;
    }

    [Fact]
    public async Task CommitPosition_is_answered_once_durable_and_with_the_reason_once_the_store_stopped()
    {
        await _broker.CreateTopicAsync("orders");
        var stored = await SendAsync((w, id) => FrameWriter.WriteCommitPosition(w, id, "g"u8, "orders"u8, 0, 42));
        Assert.Equal(OutboundKind.Empty, stored.Kind);
        Assert.Equal(Opcode.CommitPosition, stored.Opcode);
        Assert.True(_positions.TryGet(new PositionKey("g", "orders", 0), out long offset));
        Assert.Equal(42, offset);

        _positions.Writer.FaultInjection = () => throw new InvalidOperationException("injected");
        var failed = await SendAsync((w, id) => FrameWriter.WriteCommitPosition(w, id, "g"u8, "orders"u8, 0, 43));
        Assert.Equal(OutboundKind.Error, failed.Kind);
        Assert.Equal(ErrorCode.StorageError, failed.Code);
        Assert.Contains("position store stopped after an unexpected error", (string)failed.Data!);
    }

    [Fact]
    public async Task SubscriptionStats_is_answered_with_the_reason_once_the_ack_log_stopped()
    {
        var queue = await _broker.CreateQueueAsync("orders", "orders", QueueBroker.Settings());
        var healthy = await SendAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, id, "orders"u8, "orders"u8));
        Assert.Equal(OutboundKind.SubscriptionStats, healthy.Kind);

        queue.AckWriter.FaultInjection = () => throw new InvalidOperationException("injected");
        await Assert.ThrowsAsync<InvalidOperationException>(() => QueueBroker.AckAsync(queue, (0, 1)));
        var failed = await SendAsync((w, id) => FrameWriter.WriteSubscriptionRequest(w, Opcode.SubscriptionStats, id, "orders"u8, "orders"u8));
        Assert.Equal(OutboundKind.Error, failed.Kind);
        Assert.Equal(ErrorCode.StorageError, failed.Code);
        Assert.Contains("ack log", (string)failed.Data!);
        Assert.Contains("stopped after an unexpected error", (string)failed.Data!);
    }
}
