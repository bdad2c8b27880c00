using FastBroker.Server.Journal.Internal;

namespace FastBroker.Bench.Journal;

/// <summary>
/// Journal files in memory, so a benchmark measures the journal's own work without the page cache or the disk.
/// Segment files get one buffer allocated up front (outside the measured region); nothing grows while measuring.
/// </summary>
internal sealed class MemorySegmentFileFactory(long segmentCapacity) : ISegmentFileFactory
{
    private readonly Dictionary<string, MemoryFile> _files = [];

    public ISegmentFile Open(string path, FileMode mode, FileAccess access)
    {
        if (!_files.TryGetValue(path, out var file) || mode is FileMode.Create or FileMode.CreateNew or FileMode.Truncate)
        {
            file = new MemoryFile(path, path.EndsWith(".log", StringComparison.Ordinal) ? segmentCapacity : 64 * 1024);
            _files[path] = file;
        }
        return file;
    }

    public void SyncDirectory(string directory)
    {
    }

    private sealed class MemoryFile(string path, long capacity) : ISegmentFile
    {
        private readonly byte[] _data = new byte[capacity];

        public string FilePath => path;

        public long Length { get; private set; }

        public int Read(Span<byte> destination, long position)
        {
            int n = (int)Math.Clamp(Length - position, 0, destination.Length);
            _data.AsSpan((int)position, n).CopyTo(destination);
            return n;
        }

        public void Write(ReadOnlySpan<byte> source, long position)
        {
            source.CopyTo(_data.AsSpan((int)position));
            Length = Math.Max(Length, position + source.Length);
        }

        public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position)
        {
            for (int i = 0; i < buffers.Count; i++)
            {
                Write(buffers[i].Span, position);
                position += buffers[i].Length;
            }
        }

        public void Sync()
        {
        }

        public void SetLength(long length) => Length = length;

        public void Dispose()
        {
        }
    }
}
