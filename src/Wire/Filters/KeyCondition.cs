using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary>A test of the record's key. A record without a key passes only <c>not</c> of a key test.</summary>
internal sealed class KeyCondition(ValueTest test) : FilterNode
{
    public override bool Matches(in Record record) => record.HasKey && test.Matches(record.Key);
}
