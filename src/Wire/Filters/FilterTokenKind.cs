namespace FastBroker.Wire.Filters;

internal enum FilterTokenKind : byte
{
    /// <summary>A keyword or a bare header name: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>.</summary>
    Word,
    /// <summary>A double-quoted string.</summary>
    String,
    /// <summary>One of <c>( ) , = != ^= ~</c>.</summary>
    Symbol,
    End,
}
