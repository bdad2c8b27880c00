using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Bench.Wire;

/// <summary>
/// Framing a publish: the client writes it into its send buffer, the broker cuts it from its receive buffer
/// and parses the body. The output buffer is reset between operations, never reallocated, as a connection's
/// send buffer is.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class FrameBenchmarks
{
    private const uint RequestId = 7;
    private const int Partition = 2;

    private ArrayBufferWriter<byte> _output = null!;
    private byte[] _batch = null!;
    private byte[] _frame = null!;

    /// <summary>Records of 100 bytes in the published batch.</summary>
    [Params(1, 100)]
    public int Records { get; set; }

    private static ReadOnlySpan<byte> Topic => "orders"u8;

    /// <summary>Builds the batch and one encoded frame to parse.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[100];
        new Random(3).NextBytes(value);
        using (var builder = new RecordBatchBuilder())
        {
            for (int i = 0; i < Records; i++)
                builder.Append(1_700_000_000_000 + i, hasKey: false, default, default, value);
            _batch = builder.Seal().ToArray();
        }
        _output = new ArrayBufferWriter<byte>(FrameHeader.Size + PublishRequest.PrefixSize(Topic.Length) + _batch.Length);
        FrameWriter.WritePublish(_output, RequestId, Topic, Partition, _batch);
        _frame = _output.WrittenSpan.ToArray();
    }

    /// <summary>Client side: header and body into the send buffer.</summary>
    [Benchmark]
    public int WritePublish()
    {
        _output.ResetWrittenCount();
        FrameWriter.WritePublish(_output, RequestId, Topic, Partition, _batch);
        return _output.WrittenCount;
    }

    /// <summary>Broker side: cut the frame and parse the publish body in place.</summary>
    [Benchmark]
    public int ParsePublish() => Parse(new ReadOnlySequence<byte>(_frame));

    /// <summary>Both, through the same reused buffer.</summary>
    [Benchmark]
    public int WriteAndParsePublish()
    {
        _output.ResetWrittenCount();
        FrameWriter.WritePublish(_output, RequestId, Topic, Partition, _batch);
        return Parse(new ReadOnlySequence<byte>(_output.WrittenMemory));
    }

    private static int Parse(ReadOnlySequence<byte> buffer)
    {
        if (FrameParser.TryReadFrame(ref buffer, Protocol.DefaultMaxFrameBytes, out var header, out var body) != FrameStatus.Complete
            || !PublishRequest.TryParse(body.FirstSpan, out var request))
            return -1;
        return request.Batch.Length + (int)request.Partition + (int)header.RequestId;
    }
}
