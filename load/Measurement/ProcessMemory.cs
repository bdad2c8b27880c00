using System.Globalization;

namespace FastBroker.Load.Measurement;

/// <summary>
/// The resident memory of another process on this machine, from Linux's <c>/proc/PID/status</c> (<c>VmRSS</c>): what
/// a routed run reports of the broker, to show whether its memory follows the number of messages. Elsewhere, or
/// when the process is gone, there is nothing to read and the sample is left out.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>The resident set of process <paramref name="pid"/> in bytes; false when it cannot be read.</summary>
    public static bool TryReadRss(int pid, out long bytes)
    {
        bytes = 0;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No such process (or no /proc): the report says nothing rather than something wrong.
            return false;
        }
        return TryParseVmRss(text, out bytes);
    }

    /// <summary>The <c>VmRSS:   1234 kB</c> line of a <c>/proc/PID/status</c> text, in bytes.</summary>
    public static bool TryParseVmRss(string status, out long bytes)
    {
        bytes = 0;
        foreach (var line in status.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            var value = line["VmRSS:".Length..].Trim();
            if (!value.EndsWith(" kB", StringComparison.Ordinal)
                || !long.TryParse(value[..^3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes))
                return false;
            bytes = kilobytes * 1024;
            return true;
        }
        return false;
    }
}
