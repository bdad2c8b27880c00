using System.Globalization;

namespace FastBroker.Server.Hosting;

/// <summary>Parses sizes such as <c>1048576</c>, <c>512k</c>, <c>16MiB</c>, <c>1g</c> (binary multiples), and writes them
/// back the way they are typed.</summary>
public static class ByteSize
{
    /// <summary>The largest binary unit that divides <paramref name="bytes"/> exactly: <c>16MiB</c>, <c>4KiB</c>,
    /// <c>1000</c>; so the text parses back to the same number.</summary>
    public static string Format(long bytes)
    {
        if (bytes != 0 && bytes % (1L << 30) == 0) return string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}GiB");
        if (bytes != 0 && bytes % (1L << 20) == 0) return string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}MiB");
        if (bytes != 0 && bytes % (1L << 10) == 0) return string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10}KiB");
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var span = text.Trim().AsSpan();
        long multiplier = 1;
        int digits = span.Length;
        while (digits > 0 && !char.IsAsciiDigit(span[digits - 1])) digits--;
        var suffix = span[digits..].ToString().ToLowerInvariant();
        switch (suffix)
        {
            case "": case "b": multiplier = 1; break;
            case "k": case "kb": case "kib": multiplier = 1L << 10; break;
            case "m": case "mb": case "mib": multiplier = 1L << 20; break;
            case "g": case "gb": case "gib": multiplier = 1L << 30; break;
            default: return false;
        }
        if (!long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out long value)) return false;
        if (value > long.MaxValue / multiplier) return false;
        bytes = value * multiplier;
        return true;
    }
}
