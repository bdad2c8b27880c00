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
        if (!TryParseMilliseconds(text, allowDays: false, out double milliseconds)
            || (milliseconds == 0 && !allowZero) || milliseconds > TimeSpan.FromDays(1).TotalMilliseconds)
            return false;
        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>
    /// A retention age: "none" (null: keep forever) or a positive duration, where days ("7d") are allowed too and
    /// there is no 24-hour cap (up to <see cref="MaxRetentionDays"/> days); whole milliseconds.
    /// </summary>
    public static bool TryParseRetention(string? text, out TimeSpan? age)
    {
        age = null;
        if (IsWord(text, "none")) return true;
        if (!TryParseMilliseconds(text, allowDays: true, out double milliseconds) || milliseconds < 1
            || milliseconds > TimeSpan.FromDays(MaxRetentionDays).TotalMilliseconds)
            return false;
        age = TimeSpan.FromMilliseconds(Math.Floor(milliseconds));
        return true;
    }

    /// <summary>A deduplication window (PROTOCOL.md 6.8): "0" or "off" (zero: off), or a positive duration, days
    /// allowed, up to <see cref="MaxRetentionDays"/> days; whole milliseconds.</summary>
    public static bool TryParseDedupWindow(string? text, out TimeSpan window)
    {
        window = TimeSpan.Zero;
        if (IsWord(text, "off") || text == "0") return true;
        if (!TryParseRetention(text, out var age) || age is null) return false;
        window = age.Value;
        return true;
    }

    /// <summary>A deduplication window as <see cref="TryParseDedupWindow"/> reads it back ("off" for zero).</summary>
    public static string FormatDedupWindow(long milliseconds) => milliseconds <= 0 ? "off" : FormatRetention(milliseconds);

    /// <summary>A delivery delay (PROTOCOL.md section 6.7): a positive duration, days ("2d") allowed, up to
    /// <see cref="MaxRetentionDays"/> days as a retention age; whole milliseconds, rounded up.</summary>
    public static bool TryParseDelay(string? text, out TimeSpan delay)
    {
        delay = default;
        if (!TryParseMilliseconds(text, allowDays: true, out double milliseconds) || milliseconds <= 0
            || milliseconds > TimeSpan.FromDays(MaxRetentionDays).TotalMilliseconds)
            return false;
        delay = TimeSpan.FromMilliseconds(Math.Ceiling(milliseconds));
        return true;
    }

    /// <summary>A retention size per partition: "none" (null: keep everything) or a positive size ("10GiB").</summary>
    public static bool TryParseRetentionBytes(string? text, out long? bytes)
    {
        bytes = null;
        if (IsWord(text, "none")) return true;
        if (!Hosting.ByteSize.TryParse(text, out long value) || value < 1) return false;
        bytes = value;
        return true;
    }

    /// <summary>Longest retention age the command line takes (about 100 years).</summary>
    public const int MaxRetentionDays = 36500;

    /// <summary>A retention age as the protocol carries it (PROTOCOL.md 5.3): "none" 0 (unlimited), "default" -1 (the
    /// broker's default), else the milliseconds.</summary>
    public static bool TryParseTopicRetention(string? text, out long value)
    {
        value = Wire.Messages.TopicRetention.BrokerDefault;
        if (IsWord(text, "default")) return true;
        if (!TryParseRetention(text, out var age)) return false;
        value = age is { } a ? (long)a.TotalMilliseconds : Wire.Messages.TopicRetention.Unlimited;
        return true;
    }

    /// <summary>A topic's dedup window as the protocol carries it (PROTOCOL.md 6.8): "off" or "0" 0, "default" -1,
    /// else the window in ms.</summary>
    public static bool TryParseTopicDedupWindow(string? text, out long value)
    {
        value = Wire.Messages.TopicRetention.BrokerDefault;
        if (IsWord(text, "default")) return true;
        if (!TryParseDedupWindow(text, out var window)) return false;
        value = (long)window.TotalMilliseconds;
        return true;
    }

    /// <summary>A retention size as the protocol carries it: "none" 0, "default" -1, else the bytes.</summary>
    public static bool TryParseTopicRetentionBytes(string? text, out long value)
    {
        value = Wire.Messages.TopicRetention.BrokerDefault;
        if (IsWord(text, "default")) return true;
        if (!TryParseRetentionBytes(text, out long? bytes)) return false;
        value = bytes ?? Wire.Messages.TopicRetention.Unlimited;
        return true;
    }

    /// <summary>A retention age as people read it: "none" for unlimited, else the largest unit that holds it whole ("7d", "12h").</summary>
    public static string FormatRetention(long milliseconds)
    {
        if (milliseconds <= 0) return "none";
        var value = TimeSpan.FromMilliseconds(milliseconds);
        return value.Ticks % TimeSpan.TicksPerDay == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerDay}d")
            : FormatDuration(value);
    }

    /// <summary>A retention size as people read it: "none" for unlimited, else as <see cref="Hosting.ByteSize.Format"/>.</summary>
    public static string FormatRetentionBytes(long bytes) => bytes <= 0 ? "none" : Hosting.ByteSize.Format(bytes);

    private static bool IsWord(string? text, string word) => string.Equals(text?.Trim(), word, StringComparison.OrdinalIgnoreCase);

    // A non-negative number and a unit: ms, s, m, h, and d when allowDays.
    private static bool TryParseMilliseconds(string? text, bool allowDays, out double milliseconds)
    {
        milliseconds = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var span = text.AsSpan().Trim();
        int unitStart = span.Length;
        while (unitStart > 0 && char.IsAsciiLetter(span[unitStart - 1]))
            unitStart--;
        var unit = span[unitStart..];
        if (unit.IsEmpty || !double.TryParse(span[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            return false;

        milliseconds = unit switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            "d" when allowDays => amount * 86_400_000,
            _ => double.NaN,
        };
        return !double.IsNaN(milliseconds) && !double.IsInfinity(milliseconds) && milliseconds >= 0;
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
    public static bool TryParseStart(string? text, out StartPosition start) => TryParseStart(text, DateTimeOffset.UnixEpoch, allowTime: false, out start);

    /// <summary>
    /// "earliest", "latest", a non-negative offset, an ISO 8601 time ("2026-12-01T10:00:00Z"; UTC when it has no
    /// offset) or a time relative to <paramref name="now"/> ("-15m", "-2h", "-7d").
    /// </summary>
    public static bool TryParseStart(string? text, DateTimeOffset now, out StartPosition start) => TryParseStart(text, now, allowTime: true, out start);

    private static bool TryParseStart(string? text, DateTimeOffset now, bool allowTime, out StartPosition start)
    {
        start = StartPosition.Earliest;
        string trimmed = text?.Trim() ?? "";
        switch (trimmed.ToLowerInvariant())
        {
            case "earliest":
                return true;
            case "latest":
                start = StartPosition.Latest;
                return true;
        }
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
        {
            start = StartPosition.Offset(offset);
            return true;
        }
        if (!allowTime)
            return false;
        if (trimmed.StartsWith('-'))
        {
            if (!TryParseMilliseconds(trimmed[1..], allowDays: true, out double ago) || ago > TimeSpan.FromDays(MaxRetentionDays).TotalMilliseconds)
                return false;
            start = StartPosition.At(now - TimeSpan.FromMilliseconds(ago));
            return true;
        }
        if (!trimmed.Contains('T', StringComparison.OrdinalIgnoreCase)
            || !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            || time.ToUnixTimeMilliseconds() < 0)
            return false;
        start = StartPosition.At(time);
        return true;
    }
}
