using System.Text;
using FastBroker.Wire.Records;
using Record = FastBroker.Wire.Records.Record;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Compares a record read from a batch with the record that was written.</summary>
internal static class RecordAssert
{
    public static void Equal(RecordSpec expected, long expectedOffset, Record actual)
    {
        Assert.Equal(expectedOffset, actual.Offset);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.HasKey, actual.HasKey);
        Assert.Equal(expected.Key ?? [], actual.Key.ToArray());
        Assert.Equal(expected.Headers.Length, actual.HeaderCount);
        var headers = new RecordHeaderReader(actual.Headers);
        foreach (var header in expected.Headers)
        {
            Assert.True(headers.TryReadNext(out var name, out var value));
            Assert.Equal(header.Name, Encoding.UTF8.GetString(name));
            Assert.Equal(header.Value.ToArray(), value.ToArray());
        }
        Assert.False(headers.TryReadNext(out _, out _));
        Assert.Equal(expected.Value, actual.Value.ToArray());
    }
}
