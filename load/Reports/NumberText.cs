using System.Globalization;

namespace FastBroker.Load.Reports;

/// <summary>How numbers read in reports and progress lines: invariant culture, thousands separators, units.</summary>
internal static class NumberText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A latency given in microseconds, in the unit and precision that keep it short and readable:
    /// "0", "38.2 µs", "412 µs", "1.25 ms", "17.0 ms", "250 ms", "2.50 s".</summary>
    public static string Latency(double microseconds) => microseconds switch
    {
        0 => "0",
        < 100 => string.Create(Invariant, $"{microseconds:0.0} µs"),
        < 1_000 => string.Create(Invariant, $"{microseconds:0} µs"),
        < 10_000 => string.Create(Invariant, $"{microseconds / 1_000:0.00} ms"),
        < 100_000 => string.Create(Invariant, $"{microseconds / 1_000:0.0} ms"),
        < 1_000_000 => string.Create(Invariant, $"{microseconds / 1_000:0} ms"),
        _ => string.Create(Invariant, $"{microseconds / 1_000_000:0.00} s"),
    };

    /// <summary>Optional latency, "-" when absent.</summary>
    public static string Latency(double? microseconds) => microseconds is { } value ? Latency(value) : "-";

    /// <summary>A whole count with thousands separators: "1,234,567".</summary>
    public static string Count(double value) => value.ToString("N0", Invariant);

    /// <summary>A rate for an axis: "0", "500k", "1.5M".</summary>
    public static string Compact(double value) => Math.Abs(value) switch
    {
        >= 1e6 => (value / 1e6).ToString("0.##", Invariant) + "M",
        >= 1e3 => (value / 1e3).ToString("0.##", Invariant) + "k",
        _ => value.ToString("0.##", Invariant),
    };

    /// <summary>Megabytes per second with one decimal.</summary>
    public static string Megabytes(double value) => value.ToString("0.0", Invariant);

    /// <summary>Seconds with two decimals and the unit: "4.21 s".</summary>
    public static string Seconds(double value) => string.Create(Invariant, $"{value:0.00} s");

    /// <summary>A plain number for machine-read places (SVG coordinates, attributes): invariant, at most 2 decimals.</summary>
    public static string Plain(double value) => value.ToString("0.##", Invariant);

    /// <summary>A memory size in MiB with one decimal: "63.0 MiB".</summary>
    public static string Mebibytes(long bytes) => string.Create(Invariant, $"{bytes / (1024.0 * 1024.0):0.0} MiB");

    /// <summary>A message size: "100 B", "4 KiB" when a whole number of KiB.</summary>
    public static string Bytes(long bytes) => bytes >= 1024 && bytes % 1024 == 0
        ? string.Create(Invariant, $"{bytes / 1024} KiB")
        : string.Create(Invariant, $"{bytes} B");
}
