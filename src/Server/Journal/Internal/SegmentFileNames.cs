using System.Globalization;

namespace FastBroker.Server.Journal.Internal;

/// <summary>Segment files are named by their base offset, zero-padded so that names sort as offsets do.</summary>
internal static class SegmentFileNames
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".idx";
    public const string TimeIndexExtension = ".tix";
    private const int Digits = 20;

    public static string LogPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset, LogExtension));

    public static string IndexPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset, IndexExtension));

    public static string TimeIndexPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset, TimeIndexExtension));

    /// <summary>Parses <c>{baseOffset:D20}.log</c>; false for any other name.</summary>
    public static bool TryParseLogName(string fileName, out long baseOffset)
    {
        baseOffset = 0;
        if (fileName.Length != Digits + LogExtension.Length || !fileName.EndsWith(LogExtension, StringComparison.Ordinal)) return false;
        return long.TryParse(fileName.AsSpan(0, Digits), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    private static string Name(long baseOffset, string extension)
        => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + extension;
}
