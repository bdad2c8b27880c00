using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Seeded test data: the same seed always gives the same bytes, so a failure can be replayed.</summary>
internal sealed class RandomData(int seed)
{
    private const string TopicChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
    private static readonly string[] TextPieces = ["a", "Z", "0", " ", "-", "é", "ß", "€", "中", "😀", "\u00A0"];

    private readonly Random _random = new(seed);

    public int Int(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public long Long(long minInclusive, long maxExclusive) => _random.NextInt64(minInclusive, maxExclusive);

    public uint UInt() => (uint)_random.NextInt64(0, 1L << 32);

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid topic name of 1..<paramref name="maxLength"/> bytes.</summary>
    public string TopicName(int maxLength = Protocol.MaxTopicNameBytes)
    {
        var name = new StringBuilder();
        int length = Int(1, maxLength + 1);
        for (int i = 0; i < length; i++)
            name.Append(TopicChars[Int(0, TopicChars.Length)]);
        return name.ToString();
    }

    /// <summary>Text with multi-byte UTF-8 characters, at most <paramref name="maxBytes"/> bytes once encoded.</summary>
    public string Text(int maxBytes)
    {
        var text = new StringBuilder();
        int budget = Int(0, maxBytes + 1);
        while (true)
        {
            string piece = TextPieces[Int(0, TextPieces.Length)];
            budget -= Encoding.UTF8.GetByteCount(piece);
            if (budget < 0) return text.ToString();
            text.Append(piece);
        }
    }

    public byte[] Utf8(int maxBytes) => Encoding.UTF8.GetBytes(Text(maxBytes));

    /// <summary>
    /// Records with every shape a batch can hold: keys absent, empty or present, zero to three headers,
    /// empty, small and occasionally large values, timestamps that mostly rise.
    /// </summary>
    public List<RecordSpec> Records(int count, long firstTimestamp)
    {
        var records = new List<RecordSpec>(count);
        long timestamp = firstTimestamp;
        for (int i = 0; i < count; i++)
        {
            byte[]? key = Int(0, 3) switch { 0 => null, 1 => [], _ => Bytes(Int(1, 40)) };
            var headers = new RecordHeader[Int(0, 4)];
            for (int h = 0; h < headers.Length; h++)
                headers[h] = new RecordHeader(Text(20), Bytes(Int(0, 30)));
            int valueLength = Int(0, 5) switch { 0 => 0, 1 => Int(20_000, 70_000), _ => Int(1, 200) };
            records.Add(new RecordSpec(timestamp, key, headers, Bytes(valueLength)));
            timestamp += Int(0, 5_000);
        }
        return records;
    }

    /// <summary>Encodes <paramref name="records"/> with a fresh builder and returns a copy of the sealed batch.</summary>
    public static byte[] Encode(IReadOnlyList<RecordSpec> records, int initialCapacity = 16 * 1024)
    {
        using var builder = new RecordBatchBuilder(initialCapacity);
        foreach (var record in records)
            builder.Append(record.Timestamp, record.HasKey, record.Key, record.Headers, record.Value);
        return builder.Seal().ToArray();
    }
}
