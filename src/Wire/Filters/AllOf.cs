using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary><c>a and b and …</c>: true when every part is, evaluated left to right until one is false.</summary>
internal sealed class AllOf(FilterNode[] parts) : FilterNode
{
    public override bool Matches(in Record record)
    {
        foreach (var part in parts)
            if (!part.Matches(record)) return false;
        return true;
    }
}
