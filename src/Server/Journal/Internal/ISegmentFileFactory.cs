namespace FastBroker.Server.Journal.Internal;

/// <summary>Opens journal files and makes directory entries durable. See <see cref="ISegmentFile"/>.</summary>
internal interface ISegmentFileFactory
{
    /// <summary>Opens or creates <paramref name="path"/>.</summary>
    ISegmentFile Open(string path, FileMode mode, FileAccess access);

    /// <summary>Makes created, renamed and deleted entries of <paramref name="directory"/> durable (fsync of the directory).</summary>
    void SyncDirectory(string directory);

    /// <summary>Removes <paramref name="path"/>; a missing file is not an error. Open handles to it keep working (POSIX).</summary>
    void Delete(string path) => File.Delete(path);
}
