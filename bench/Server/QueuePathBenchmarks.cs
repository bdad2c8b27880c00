using System.Buffers;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FastBroker.Server.Journal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Bench.Server;

/// <summary>
/// The work-queue path end to end through a real loopback socket: publish one batch, receive its messages from
/// the shared subscription (delivery frame built from the journal), ack them (durable through the ack log; fsync
/// never, so the disk is not what is measured). One operation is the three round trips for one batch of
/// <see cref="RecordsPerBatch"/> messages; "Allocated" counts every thread of the process, broker threads included.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class QueuePathBenchmarks
{
    [Params(1, 100)]
    public int RecordsPerBatch { get; set; }

    private readonly ArrayBufferWriter<byte> _ack = new(256);
    private readonly OffsetRange[] _range = new OffsetRange[1];
    private LoopbackBroker _broker = null!;
    private byte[] _publish = null!;
    private byte[] _receive = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _broker = LoopbackBroker.StartAsync(FsyncPolicy.Never).GetAwaiter().GetResult();
        _broker.RoundTripAsync(LoopbackBroker.Encode(w => FrameWriter.WriteCreateTopic(w, 2, "jobs"u8, 1)), 1).AsTask().GetAwaiter().GetResult();
        _broker.RoundTripAsync(LoopbackBroker.Encode(w => FrameWriter.WriteCreateSubscription(w, 3, "jobs"u8, "jobs"u8,
            SubscriptionSettings.DefaultVisibilityTimeoutMs, 5, default, SubscriptionSettings.DefaultMaxInFlight, AckMode.Explicit)), 1).AsTask().GetAwaiter().GetResult();

        using var builder = new RecordBatchBuilder();
        var value = new byte[100];
        for (int i = 0; i < RecordsPerBatch; i++) builder.Append(1_700_000_000_000, false, default, default, value);
        var batch = builder.Seal().ToArray();
        _publish = LoopbackBroker.Encode(w => FrameWriter.WritePublish(w, 10, "jobs"u8, 0, batch));
        _receive = LoopbackBroker.Encode(w => FrameWriter.WriteReceive(w, 11, "jobs"u8, "jobs"u8, (uint)RecordsPerBatch, 0, 0, 0));
    }

    [GlobalCleanup]
    public void Cleanup() => _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "publish + receive + ack (per batch)")]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishReceiveAck()
    {
        await _broker.RoundTripAsync(_publish, 1);
        await _broker.RoundTripAsync(_receive, 1);
        _range[0] = new OffsetRange(0, _next, RecordsPerBatch);
        _next += RecordsPerBatch;
        _ack.ResetWrittenCount();
        FrameWriter.WriteSettle(_ack, Opcode.Ack, 12, "jobs"u8, "jobs"u8, 0, _range);
        await _broker.RoundTripAsync(_ack.WrittenMemory, 1);
    }
}
