using System.Globalization;

namespace FastBroker.Load.Cli;

/// <summary>Parsers for the value syntaxes of the command line; each returns false (never throws) on bad input.</summary>
internal static class ValueParsers
{
    /// <summary>
    /// A duration with a unit, as people type it: "500us" (or "500µs"), "1.5ms", "30s", "2m", "1h"; "0" alone is
    /// zero. A bare number is refused: whether "30" means seconds or milliseconds is exactly the mistake to avoid.
    /// </summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var span = text.AsSpan().Trim();
        if (span is "0")
            return true;
        int unitStart = span.Length;
        while (unitStart > 0 && (char.IsAsciiLetter(span[unitStart - 1]) || span[unitStart - 1] == 'µ'))
            unitStart--;
        if (!double.TryParse(span[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            return false;
        double microseconds = span[unitStart..] switch
        {
            "us" or "µs" => amount,
            "ms" => amount * 1e3,
            "s" => amount * 1e6,
            "m" => amount * 60e6,
            "h" => amount * 3600e6,
            _ => double.NaN,
        };
        if (double.IsNaN(microseconds) || microseconds > TimeSpan.FromDays(1).TotalMicroseconds)
            return false;
        duration = TimeSpan.FromMicroseconds(microseconds);
        return true;
    }

    /// <summary>A non-negative number with an optional decimal multiplier: "5000", "1_000_000", "500k", "1.5M", "2G".</summary>
    public static bool TryParseQuantity(string? text, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        string cleaned = text.Trim().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        double multiplier = 1;
        switch (cleaned.Length > 0 ? cleaned[^1] : ' ')
        {
            case 'k' or 'K': multiplier = 1e3; break;
            case 'M': multiplier = 1e6; break;
            case 'G': multiplier = 1e9; break;
        }
        if (multiplier != 1)
            cleaned = cleaned[..^1];
        if (!double.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            return false;
        value = number * multiplier;
        return double.IsFinite(value);
    }

    /// <summary>A whole quantity (see <see cref="TryParseQuantity"/>) within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryParseWhole(string? text, long min, long max, out long value)
    {
        value = 0;
        if (!TryParseQuantity(text, out double number) || number != Math.Floor(number) || number < min || number > max)
            return false;
        value = (long)number;
        return true;
    }

    /// <summary>A byte size: "100", "4096", "64KiB" (or "64k"), "1MiB" (or "1m"); binary multiples.</summary>
    public static bool TryParseBytes(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var span = text.AsSpan().Trim();
        int unitStart = span.Length;
        while (unitStart > 0 && char.IsAsciiLetter(span[unitStart - 1]))
            unitStart--;
        long multiplier = span[unitStart..].ToString().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024,
            "m" or "mb" or "mib" => 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(span[..unitStart], NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            return false;
        bytes = number * multiplier;
        return number <= int.MaxValue;
    }

    /// <summary>A name safe as a file name, topic or group: 1-<paramref name="maxLength"/> characters of [A-Za-z0-9._-].</summary>
    public static bool IsSafeName(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text) || text.Length > maxLength || text is "." or "..")
            return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return false;
        }
        return true;
    }

    /// <summary>An fsync policy in the server's syntax: always, never or interval:MS.</summary>
    public static bool IsFsyncPolicy(string? text)
    {
        if (text is "always" or "never")
            return true;
        const string prefix = "interval:";
        return text is not null && text.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms > 0;
    }
}
