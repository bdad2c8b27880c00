using BenchmarkDotNet.Attributes;
using FastBroker.Server.Journal;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Bench.Server;

/// <summary>
/// The broker's publish and fetch paths end to end through a real loopback socket: frame parsing, batch
/// validation, the partition loop's group commit (fsync never, so the disk is not what is measured), the
/// acknowledgement, and fetches read from the journal into the socket. One operation is one request (one batch of
/// <see cref="RecordsPerBatch"/> messages); "Allocated" counts every thread of the process, broker threads included.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class BrokerPathBenchmarks
{
    private const int Requests = 64;
    /// <summary>Records in each published batch; allocation per message is the per-request figure divided by this.</summary>
    [Params(1, 100)]
    public int RecordsPerBatch { get; set; }

    private LoopbackBroker _broker = null!;
    private byte[] _publishFrames = null!;
    private byte[] _fetchFrames = null!;

    [GlobalSetup]
    public void Setup()
    {
        _broker = LoopbackBroker.StartAsync(FsyncPolicy.Never).GetAwaiter().GetResult();
        _broker.RoundTripAsync(LoopbackBroker.Encode(w => FrameWriter.WriteCreateTopic(w, 2, "bench"u8, 1)), 1).AsTask().GetAwaiter().GetResult();

        using var builder = new RecordBatchBuilder();
        var value = new byte[100];
        for (int i = 0; i < RecordsPerBatch; i++) builder.Append(1_700_000_000_000, false, default, default, value);
        var batch = builder.Seal().ToArray();
        _publishFrames = LoopbackBroker.Encode(w =>
        {
            for (uint id = 0; id < Requests; id++) FrameWriter.WritePublish(w, id + 10, "bench"u8, 0, batch);
        });
        // Fill the partition once so fetches always find data at offset 0.
        _broker.RoundTripAsync(_publishFrames, Requests).AsTask().GetAwaiter().GetResult();
        _fetchFrames = LoopbackBroker.Encode(w =>
        {
            for (uint id = 0; id < Requests; id++) FrameWriter.WriteFetch(w, id + 10, "bench"u8, 0, 0, batch.Length, 0);
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Requests, Description = "publish (per request)")]
    public ValueTask Publish() => _broker.RoundTripAsync(_publishFrames, Requests);

    [Benchmark(OperationsPerInvoke = Requests, Description = "fetch (per request)")]
    public ValueTask Fetch() => _broker.RoundTripAsync(_fetchFrames, Requests);
}
