using FastBroker.Server.Journal.Internal;

namespace FastBroker.Server.Tests.Journal;

/// <summary>
/// Wraps the real file factory, counting writes and syncs per file, and throwing IOException on a chosen write
/// or on syncs or deletes once armed (as a failing disk would). It also notices reads on closed files and lets a
/// test hold a read inside a file.
/// </summary>
internal sealed class FlakyFileFactory : ISegmentFileFactory
{
    private readonly Dictionary<string, int> _syncsByName = [];
    private readonly HashSet<string> _closed = [];
    private int _writes;
    private int _failAtWrite;
    private int _readsAfterClose;
    private int _partialBytes;
    private int _errno;

    public int Writes => _writes;

    public int Syncs { get; private set; }

    public int DirectorySyncs { get; private set; }

    /// <summary>When true, every file sync throws.</summary>
    public bool FailSyncs { get; set; }

    /// <summary>When true, every delete throws without deleting.</summary>
    public bool FailDeletes { get; set; }

    /// <summary>Called (on the reading thread) before every read, with the file's path.</summary>
    public Action<string>? BeforeRead { get; set; }

    /// <summary>Reads attempted on a file after it was closed; any thread.</summary>
    public int ReadsAfterClose => Volatile.Read(ref _readsAfterClose);

    /// <summary>True once a file opened at <paramref name="path"/> was closed; any thread.</summary>
    public bool WasClosed(string path)
    {
        lock (_closed) return _closed.Contains(path);
    }

    /// <summary>Makes the <paramref name="n"/>-th write from now (1 = the next) throw without writing.</summary>
    public void FailWriteAfter(int n) => _failAtWrite = _writes + n;

    /// <summary>
    /// Makes the <paramref name="n"/>-th write from now fail as a full disk does: the first
    /// <paramref name="partialBytes"/> bytes reach the file (a short write), then IOException with HResult
    /// <paramref name="errno"/> (28 = ENOSPC).
    /// </summary>
    public void FailWriteAfter(int n, int partialBytes, int errno)
    {
        _failAtWrite = _writes + n;
        _partialBytes = partialBytes;
        _errno = errno;
    }

    /// <summary>When set, every write throws like a full disk (ENOSPC) without writing, until cleared.</summary>
    public bool DiskFull { get; set; }

    /// <summary>Truncations of files, as (file name, length).</summary>
    public List<(string Name, long Length)> Truncations { get; } = [];

    /// <summary>Syncs of files whose name ends with <paramref name="suffix"/>.</summary>
    public int SyncsOf(string suffix)
    {
        int total = 0;
        foreach (var (name, count) in _syncsByName)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) total += count;
        }
        return total;
    }

    public ISegmentFile Open(string path, FileMode mode, FileAccess access)
        => new FlakyFile(this, SegmentFileFactory.Instance.Open(path, mode, access));

    /// <summary>When non-zero, a directory sync fails before it starts, as open(2) does with this errno (24 = EMFILE).</summary>
    public int DirectoryOpenErrno { get; set; }

    public void SyncDirectory(string directory)
    {
        if (DirectoryOpenErrno != 0)
            throw new IOException($"open failed on '{directory}': Too many open files (errno {DirectoryOpenErrno}).", DirectoryOpenErrno);
        if (FailSyncs) throw new IOException("injected directory fsync failure");
        DirectorySyncs++;
        SegmentFileFactory.Instance.SyncDirectory(directory);
    }

    public void Delete(string path)
    {
        if (FailDeletes) throw new IOException($"injected unlink failure on '{path}'");
        File.Delete(path);
    }

    private void Closed(string path)
    {
        lock (_closed) _closed.Add(path);
    }

    private void BeforeWrite(string path)
    {
        _writes++;
        if (DiskFull) throw new IOException($"pwritev failed on '{path}': No space left on device (errno 28).", 28);
        if (_writes == _failAtWrite && _errno == 0 && _partialBytes == 0) throw new IOException($"injected write failure on '{path}'");
    }

    // A failing write that first lets part of the data through; false when this write is not the one to fail.
    private bool TryFailPartially(ISegmentFile inner, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position)
    {
        if (_writes != _failAtWrite || (_errno == 0 && _partialBytes == 0)) return false;
        int left = _partialBytes;
        foreach (var buffer in buffers)
        {
            if (left == 0) break;
            int take = Math.Min(left, buffer.Length);
            inner.Write(buffer.Span[..take], position);
            position += take;
            left -= take;
        }
        throw new IOException($"pwritev failed on '{inner.FilePath}': No space left on device (errno {_errno}).", _errno);
    }

    private void BeforeSync(string path)
    {
        if (FailSyncs) throw new IOException($"injected fdatasync failure (EIO) on '{path}'");
        Syncs++;
        string name = Path.GetFileName(path);
        _syncsByName[name] = _syncsByName.GetValueOrDefault(name) + 1;
    }

    private sealed class FlakyFile(FlakyFileFactory owner, ISegmentFile inner) : ISegmentFile
    {
        private volatile bool _closed;

        public string FilePath => inner.FilePath;

        public long Length => inner.Length;

        public int Read(Span<byte> destination, long position)
        {
            owner.BeforeRead?.Invoke(FilePath);
            if (_closed) Interlocked.Increment(ref owner._readsAfterClose);
            return inner.Read(destination, position);
        }

        public void Write(ReadOnlySpan<byte> source, long position)
        {
            owner.BeforeWrite(FilePath);
            if (owner._writes == owner._failAtWrite && owner._errno != 0)
                throw new IOException($"write failed on '{FilePath}': No space left on device (errno {owner._errno}).", owner._errno);
            inner.Write(source, position);
        }

        public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position)
        {
            owner.BeforeWrite(FilePath);
            owner.TryFailPartially(inner, buffers, position);
            inner.Write(buffers, position);
        }

        public void Sync()
        {
            owner.BeforeSync(FilePath);
            inner.Sync();
        }

        public void SetLength(long length)
        {
            owner.Truncations.Add((Path.GetFileName(FilePath), length));
            inner.SetLength(length);
        }

        public void Dispose()
        {
            _closed = true;
            owner.Closed(FilePath);
            inner.Dispose();
        }
    }
}
