namespace FastBroker.Wire.Filters;

/// <summary>What a condition checks of a value (a key or a header value), compared as bytes.</summary>
internal sealed class ValueTest
{
    private readonly ValueTestKind _kind;
    private readonly byte[][] _values;
    private readonly RoutingPattern? _pattern;

    private ValueTest(ValueTestKind kind, byte[][] values, RoutingPattern? pattern)
    {
        _kind = kind;
        _values = values;
        _pattern = pattern;
    }

    public static ValueTest Exists { get; } = new(ValueTestKind.Exists, [], null);
    public static ValueTest Equal(byte[] value) => new(ValueTestKind.Equal, [value], null);
    public static ValueTest Prefix(byte[] value) => new(ValueTestKind.Prefix, [value], null);
    public static ValueTest OneOf(byte[][] values) => new(ValueTestKind.OneOf, values, null);
    public static ValueTest Pattern(RoutingPattern pattern) => new(ValueTestKind.Pattern, [], pattern);

    public bool Matches(ReadOnlySpan<byte> value)
    {
        switch (_kind)
        {
            case ValueTestKind.Exists: return true;
            case ValueTestKind.Equal: return value.SequenceEqual(_values[0]);
            case ValueTestKind.Prefix: return value.StartsWith(_values[0]);
            case ValueTestKind.Pattern: return _pattern!.Matches(value);
            default:
                foreach (var candidate in _values)
                    if (value.SequenceEqual(candidate)) return true;
                return false;
        }
    }

    private enum ValueTestKind : byte { Exists, Equal, Prefix, OneOf, Pattern }
}
