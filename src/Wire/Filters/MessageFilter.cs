using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Filters;

/// <summary>
/// A filter over a message's key and headers, as a filtered subscription or a filtered fetch carries it
/// (PROTOCOL.md section 14): routing patterns on the key, header equality, prefix, pattern, presence and one-of,
/// combined with <c>and</c>, <c>or</c>, <c>not</c> and parentheses. For example
/// <c>key ~ "eu.#" and header(type) = "created"</c>.
/// </summary>
/// <remarks>
/// Parsed once; <see cref="Matches(in Record)"/> then reads the stored record in place and allocates nothing.
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class MessageFilter
{
    /// <summary>Longest filter text accepted, in UTF-8 bytes.</summary>
    public const int MaxBytes = 4096;

    /// <summary>Deepest nesting of <c>not</c> and parentheses accepted.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most conditions (key or header tests) in one filter.</summary>
    public const int MaxConditions = 64;

    /// <summary>Most values in one <c>in (...)</c> list.</summary>
    public const int MaxListValues = 256;

    private readonly FilterNode _root;

    internal MessageFilter(string text, FilterNode root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The filter as written; this is what a broker stores and reports.</summary>
    public string Text { get; }

    /// <summary>Parses a filter; false, with a message that says where and what is wrong, when it is invalid.</summary>
    public static bool TryParse(string text, out MessageFilter? filter, out string? error)
    {
        filter = null;
        if (text is null || text.Length == 0 || string.IsNullOrWhiteSpace(text))
        {
            error = "a filter must not be empty";
            return false;
        }
        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxBytes)
        {
            error = $"a filter may be at most {MaxBytes} bytes, not {bytes}";
            return false;
        }
        var root = new FilterParser(text).Parse(out error);
        if (root is null) return false;
        filter = new MessageFilter(text, root);
        return true;
    }

    /// <summary>Parses a filter, throwing <see cref="FormatException"/> with the reason when it is invalid.</summary>
    public static MessageFilter Parse(string text)
        => TryParse(text, out var filter, out string? error) ? filter! : throw new FormatException(error);

    /// <summary>Whether the record passes the filter.</summary>
    public bool Matches(in Record record) => _root.Matches(record);

    /// <inheritdoc />
    public override string ToString() => Text;
}
