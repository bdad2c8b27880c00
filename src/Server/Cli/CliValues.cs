using System.Globalization;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary>Parsers for the CLI's value syntaxes; each returns false (never throws) on bad input.</summary>
internal static class CliValues
{
    /// <summary>Durations as people type them: a positive number and a unit, "500ms", "5s", "1.5m", "2h".</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
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
        if (double.IsNaN(milliseconds) || milliseconds <= 0 || milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
            return false;
        duration = TimeSpan.FromMilliseconds(milliseconds);
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
