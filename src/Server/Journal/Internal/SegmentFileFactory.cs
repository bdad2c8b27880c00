using FastBroker.Server.Durability;
namespace FastBroker.Server.Journal.Internal;

/// <summary>Opens real files. Other processes may read journal files while the broker has them open, not write them.</summary>
internal sealed class SegmentFileFactory : ISegmentFileFactory
{
    public static readonly SegmentFileFactory Instance = new();

    private SegmentFileFactory()
    {
    }

    public ISegmentFile Open(string path, FileMode mode, FileAccess access)
        => new SegmentFile(path, File.OpenHandle(path, mode, access, FileShare.Read));

    public void SyncDirectory(string directory)
    {
        // Windows has no directory fsync; NTFS journals its metadata.
        if (OperatingSystem.IsLinux()) LibC.SyncDirectory(directory);
    }
}
