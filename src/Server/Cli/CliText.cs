using System.Globalization;

namespace FastBroker.Server.Cli;

/// <summary>Wording shared by the commands' output.</summary>
internal static class CliText
{
    /// <summary>"1 partition", "4 partitions", "0 messages": a count with its noun in the right number.</summary>
    public static string Count(long count, string singular, string? plural = null)
        => string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
