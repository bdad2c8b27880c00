using FastBroker.Wire;

namespace FastBroker.ClientLite.Internal;

/// <summary>Client-side checks of queue settings, so an out-of-range value fails where it is set, not at the broker.</summary>
internal static class QueueLimits
{
    /// <summary>A visibility timeout of 1 ms .. 12 h, as the broker accepts it.</summary>
    public static TimeSpan CheckVisibility(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.FromMilliseconds(1) || value > TimeSpan.FromMilliseconds(Protocol.MaxVisibilityTimeoutMs))
            throw new ArgumentOutOfRangeException(paramName, value, $"A visibility timeout must be between 1 ms and {TimeSpan.FromMilliseconds(Protocol.MaxVisibilityTimeoutMs)}.");
        return value;
    }

    /// <summary>A nack delay of 0 .. 12 h.</summary>
    public static TimeSpan CheckDelay(TimeSpan value, string paramName)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromMilliseconds(Protocol.MaxNackDelayMs))
            throw new ArgumentOutOfRangeException(paramName, value, $"A nack delay must be between 0 and {TimeSpan.FromMilliseconds(Protocol.MaxNackDelayMs)}.");
        return value;
    }

    /// <summary>A push prefetch (credit) of 1 .. <see cref="Protocol.MaxCredit"/>.</summary>
    /// <summary>Prefetch of push subscriptions and ConsumeAsync when not given.</summary>
    public const int DefaultPrefetch = 1000;

    public static int CheckPrefetch(int value, string paramName)
    {
        if (value < 1 || value > Protocol.MaxCredit)
            throw new ArgumentOutOfRangeException(paramName, value, $"Prefetch must be between 1 and {Protocol.MaxCredit}.");
        return value;
    }

    /// <summary>Whole milliseconds of a checked duration (sub-millisecond remainders are dropped).</summary>
    public static uint ToMilliseconds(TimeSpan value) => (uint)(value.Ticks / TimeSpan.TicksPerMillisecond);

    /// <summary>
    /// True for a name the broker accepts for a topic or subscription (PROTOCOL.md): 1..249 characters of
    /// [A-Za-z0-9._-], and not "." or "..".
    /// </summary>
    public static bool IsValidTopicName(string name)
    {
        if (name.Length is 0 or > Protocol.MaxTopicNameBytes || name is "." or "..")
            return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return false;
        }
        return true;
    }
}
