using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests.Infrastructure;

public static class TestBatches
{
    /// <summary>An encoded batch of <paramref name="count"/> records with recognisable values.</summary>
    public static byte[] Encode(int count, int valueBytes, int seed = 0)
    {
        using var builder = new RecordBatchBuilder();
        var value = new byte[valueBytes];
        for (int i = 0; i < count; i++)
        {
            var tag = Encoding.ASCII.GetBytes($"m{seed + i}:");
            value.AsSpan().Fill((byte)'.');
            tag.AsSpan(0, Math.Min(tag.Length, valueBytes)).CopyTo(value);
            builder.Append(1_700_000_000_000 + i, false, default, default, value);
        }
        return builder.Seal().ToArray();
    }
}
