using System.Text;
using BenchmarkDotNet.Attributes;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Records;

namespace FastBroker.Bench.Wire;

/// <summary>
/// The per-record work of a filtered delivery: walk a stored batch of 100 records and test each against a parsed
/// filter (PROTOCOL.md section 14). <see cref="Walk"/> is the walk alone, so the filters' own cost is the difference.
/// Every benchmark must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class FilterBenchmarks
{
    private const int Records = 100;
    private const long FirstTimestamp = 1_700_000_000_000;

    private static readonly string[] Regions = ["eu.fr", "eu.de", "us.ny", "ap.jp"];
    private static readonly string[] Events = ["created", "updated", "deleted"];

    private readonly MessageFilter _keyPattern = MessageFilter.Parse("key ~ \"eu.*.created\"");
    private readonly MessageFilter _headerEquals = MessageFilter.Parse("header(type) = \"created\"");
    private readonly MessageFilter _compound = MessageFilter.Parse(
        "(key ~ \"eu.#\" or key ^= \"us.\") and header(type) in (\"created\", \"updated\") and not header(test) exists");
    private readonly RoutingPattern _pattern = RoutingPattern.Parse("#.fr.*");

    private byte[] _batch = null!;
    private byte[][] _keys = null!;

    /// <summary>
    /// 100 records of 100-byte values with keys like <c>eu.fr.created</c> and two or three headers
    /// (<c>trace</c>, <c>type</c>, on every seventh a <c>test</c>), so each filter passes some records and fails others.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[100];
        new Random(42).NextBytes(value);
        _keys = new byte[Records][];
        using var builder = new RecordBatchBuilder(64 * 1024);
        for (int i = 0; i < Records; i++)
        {
            string type = Events[i % Events.Length];
            _keys[i] = Encoding.UTF8.GetBytes($"{Regions[i % Regions.Length]}.{type}");
            RecordHeader[] headers = i % 7 == 0
                ? [new("trace", Encoding.UTF8.GetBytes($"t-{i}")), new("type", Encoding.UTF8.GetBytes(type)), new("test", "1"u8.ToArray())]
                : [new("trace", Encoding.UTF8.GetBytes($"t-{i}")), new("type", Encoding.UTF8.GetBytes(type))];
            builder.Append(FirstTimestamp + i, hasKey: true, _keys[i], headers, value);
        }
        _batch = builder.Seal().ToArray();
    }

    /// <summary>Reading the records without a filter: the floor under the others.</summary>
    [Benchmark(Baseline = true)]
    public int Walk()
    {
        var reader = new RecordBatchReader(_batch);
        int count = 0;
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            if (record.HasKey) count++;
        return count;
    }

    /// <summary><c>key ~ "eu.*.created"</c>.</summary>
    [Benchmark]
    public int KeyPattern() => CountMatches(_keyPattern);

    /// <summary><c>header(type) = "created"</c>.</summary>
    [Benchmark]
    public int HeaderEquals() => CountMatches(_headerEquals);

    /// <summary>Key pattern or prefix, header one-of, header absence: five conditions.</summary>
    [Benchmark]
    public int Compound() => CountMatches(_compound);

    /// <summary><c>#.fr.*</c> against the 100 keys, without walking a batch.</summary>
    [Benchmark]
    public int PatternOnKeys()
    {
        int count = 0;
        foreach (var key in _keys)
            if (_pattern.Matches(key)) count++;
        return count;
    }

    private int CountMatches(MessageFilter filter)
    {
        var reader = new RecordBatchReader(_batch);
        int count = 0;
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            if (filter.Matches(record)) count++;
        return count;
    }
}
