using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary><c>a or b or …</c>: true when any part is, evaluated left to right until one is true.</summary>
internal sealed class AnyOf(FilterNode[] parts) : FilterNode
{
    public override bool Matches(in Record record)
    {
        foreach (var part in parts)
            if (part.Matches(record)) return true;
        return false;
    }
}
