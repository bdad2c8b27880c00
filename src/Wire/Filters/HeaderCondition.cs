using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary>
/// A test of a header, by name (bytes compared exactly, so names are case-sensitive). Names may repeat in a record:
/// the condition holds when any header of that name passes the test.
/// </summary>
internal sealed class HeaderCondition(byte[] name, ValueTest test) : FilterNode
{
    public override bool Matches(in Record record)
    {
        if (record.HeaderCount == 0) return false;
        var reader = new RecordHeaderReader(record.Headers);
        while (reader.TryReadNext(out var headerName, out var value))
            if (headerName.SequenceEqual(name) && test.Matches(value)) return true;
        return false;
    }
}
