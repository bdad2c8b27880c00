using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary><c>not a</c>.</summary>
internal sealed class Negation(FilterNode inner) : FilterNode
{
    public override bool Matches(in Record record) => !inner.Matches(record);
}
