using BenchmarkDotNet.Attributes;
using FastBroker.Wire;

namespace FastBroker.Bench.Wire;

/// <summary>CRC-32C throughput: every published batch is checksummed by the producer, the broker and the consumer.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class Crc32CBenchmarks
{
    private byte[] _data = null!;

    /// <summary>Input size in bytes: a small batch and a large one.</summary>
    [Params(1024, 1024 * 1024)]
    public int Bytes { get; set; }

    /// <summary>Fills the input with fixed pseudo-random bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(7).NextBytes(_data);
    }

    /// <summary>One CRC over the whole input.</summary>
    [Benchmark]
    public uint Compute() => Crc32C.Compute(_data);
}
