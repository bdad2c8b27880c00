using System.Globalization;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary>Parsers for the CLI's value syntaxes; each returns false (never throws) on bad input.</summary>
internal static class CliValues
{
    /// <summary>Durations as people type them: a positive number and a unit, "500ms", "5s", "1.5m", "2h".</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration) => TryParseDuration(text, allowZero: false, out duration);

    /// <summary>As <see cref="TryParseDuration(string?, out TimeSpan)"/>, and also zero ("0s", "0ms") when <paramref name="allowZero"/>.</summary>
    public static bool TryParseDuration(string? text, bool allowZero, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var span = text.AsSpan().Trim();
        int unitStart = span.Length;
        while (unitStart > 0 && char.IsAsciiLetter(span[unitStart - 1]))
            unitStart--;
        var unit = span[unitStart..];
        if (unit.IsEmpty || !double.TryParse(span[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            return false;

        double milliseconds = unit switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => double.NaN,
        };
        if (double.IsNaN(milliseconds) || milliseconds < 0 || (milliseconds == 0 && !allowZero) || milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
            return false;
        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>A duration the way <see cref="TryParseDuration(string?, bool, out TimeSpan)"/> reads it back, in the
    /// largest unit that holds it whole: "2h", "1m", "30s", "500ms".</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        if (value.Ticks % TimeSpan.TicksPerHour == 0) return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerHour}h");
        if (value.Ticks % TimeSpan.TicksPerMinute == 0) return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerMinute}m");
        if (value.Ticks % TimeSpan.TicksPerSecond == 0) return string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerSecond}s");
        return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms");
    }

    /// <summary>
    /// A point in time: ISO 8601 as <see cref="DateTimeOffset"/> reads it invariantly (UTC when it has no offset), or
    /// a whole number of milliseconds since the Unix epoch. Times before the epoch are refused.
    /// </summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long unixMs))
        {
            if (unixMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                return false;
            time = DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
            return false;
        return time.ToUnixTimeMilliseconds() >= 0;
    }

    /// <summary>
    /// A name the broker accepts for a topic or queue (PROTOCOL.md): 1..249 characters of [A-Za-z0-9._-], not "." or
    /// "..". Checked here so a bad name is a usage error rather than a failure reported by the client library.
    /// </summary>
    public static bool IsValidName(string? name)
    {
        if (name is null || name.Length is 0 or > Wire.Protocol.MaxTopicNameBytes || name is "." or "..")
            return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return false;
        }
        return true;
    }

    /// <summary>"earliest", "latest" or a non-negative offset.</summary>
    public static bool TryParseStart(string? text, out StartPosition start)
    {
        start = StartPosition.Earliest;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "earliest":
                return true;
            case "latest":
                start = StartPosition.Latest;
                return true;
            default:
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
                    return false;
                start = StartPosition.Offset(offset);
                return true;
        }
    }
}
