using BenchmarkDotNet.Attributes;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.Bench.Wire;

/// <summary>
/// The per-batch codec work of a publish: the producer encodes, the broker validates, the consumer decodes.
/// Every benchmark must allocate nothing: the builder is reused and the reader works in place.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class RecordBatchBenchmarks
{
    private const int ValueBytes = 100;
    private const long FirstTimestamp = 1_700_000_000_000;

    private RecordBatchBuilder _builder = null!;
    private byte[] _value = null!;
    private byte[] _batch = null!;

    /// <summary>Records per batch.</summary>
    [Params(1, 100, 1000)]
    public int Records { get; set; }

    /// <summary>Encodes one batch to have something to decode and validate.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[ValueBytes];
        new Random(42).NextBytes(_value);
        // Sized up front so the measured loop never grows (and re-rents) the buffer.
        _builder = new RecordBatchBuilder(RecordBatchHeader.Size + Records * (ValueBytes + 32));
        Encode();
        _batch = _builder.Seal().ToArray();
    }

    /// <summary>Returns the builder's buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _builder.Dispose();

    /// <summary>Reset, append every record, seal (header and CRC).</summary>
    [Benchmark]
    public int Encode()
    {
        _builder.Reset();
        for (int i = 0; i < Records; i++)
            _builder.Append(FirstTimestamp + i, hasKey: false, default, default, _value);
        return _builder.Seal().Length;
    }

    /// <summary>Walks every record of the batch.</summary>
    [Benchmark]
    public long Decode()
    {
        var reader = new RecordBatchReader(_batch);
        long sum = 0;
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            sum += record.Offset + record.Timestamp + record.Value.Length;
        return sum;
    }

    /// <summary>The broker's check before storing: length, version, CRC, every record's structure and size.</summary>
    [Benchmark]
    public ErrorCode Validate() => RecordBatch.Validate(_batch, Protocol.DefaultMaxMessageBytes);
}
