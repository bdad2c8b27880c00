using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary>One node of a parsed filter: a condition or a combination of nodes.</summary>
internal abstract class FilterNode
{
    public abstract bool Matches(in Record record);
}
