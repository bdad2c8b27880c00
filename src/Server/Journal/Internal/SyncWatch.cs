using FastBroker.Server.Durability;
namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// Wraps the journal's file factory and notes every failed sync (a file's fdatasync or a directory's fsync) at the
/// call that failed. A failed write can be undone by truncating; a failed sync cannot, because the kernel may already
/// have dropped the dirty pages (fsyncgate). The journal asks this, rather than guessing from an exception's type
/// later, which of the two happened in a commit that touched segment, index and checkpoint files.
/// </summary>
internal sealed class SyncWatch(ISegmentFileFactory inner) : ISegmentFileFactory
{
    private Exception? _syncFailure;

    /// <summary>The first sync failure seen on any file of the journal, or null. Sticky: a failed sync is never undone.</summary>
    public Exception? SyncFailure => Volatile.Read(ref _syncFailure);

    public ISegmentFile Open(string path, FileMode mode, FileAccess access) => new WatchedFile(this, inner.Open(path, mode, access));

    public void SyncDirectory(string directory)
    {
        try
        {
            inner.SyncDirectory(directory);
        }
        catch (Exception e)
        {
            // Out of descriptors, the directory could not even be opened: no fsync ran, so nothing is in doubt.
            if (e is not IOException { HResult: LibC.EMFILE or LibC.ENFILE }) Note(e);
            throw;
        }
    }

    public void Delete(string path) => inner.Delete(path);

    private void Note(Exception e) => Interlocked.CompareExchange(ref _syncFailure, e, null);

    private sealed class WatchedFile(SyncWatch owner, ISegmentFile file) : ISegmentFile
    {
        public string FilePath => file.FilePath;

        public long Length => file.Length;

        public int Read(Span<byte> destination, long position) => file.Read(destination, position);

        public void Write(ReadOnlySpan<byte> source, long position) => file.Write(source, position);

        public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position) => file.Write(buffers, position);

        public void Sync()
        {
            try
            {
                file.Sync();
            }
            catch (Exception e)
            {
                owner.Note(e);
                throw;
            }
        }

        public void SetLength(long length) => file.SetLength(length);

        public void Dispose() => file.Dispose();
    }
}
