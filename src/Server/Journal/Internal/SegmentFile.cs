using FastBroker.Server.Durability;
using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Journal.Internal;

/// <summary>A journal file on disk: positional reads and writes on one handle, fdatasync on Linux.</summary>
internal sealed unsafe class SegmentFile : ISegmentFile
{
    private readonly SafeFileHandle _handle;

    // Scratch for gathered writes, reused so that a commit allocates nothing; writer thread only.
    private MemoryHandle[] _pins = [];
    private IoVector[] _vectors = [];

    public SegmentFile(string path, SafeFileHandle handle)
    {
        FilePath = path;
        _handle = handle;
    }

    public string FilePath { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public int Read(Span<byte> destination, long position)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(_handle, destination[total..], position + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    public void Write(ReadOnlySpan<byte> source, long position) => RandomAccess.Write(_handle, source, position);

    public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position)
    {
        // RandomAccess.Write(IReadOnlyList) allocates a handle array per call; on Linux we pin into reused scratch.
        if (OperatingSystem.IsLinux()) WriteGathered(buffers, position);
        else RandomAccess.Write(_handle, buffers, position);
    }

    public void Sync()
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(_handle);
            return;
        }
        // No retry on failure, not even on EINTR: after a failed fdatasync the page state is unknown (fsyncgate).
        if (LibC.FDataSync(_handle) != 0) throw LibC.Error("fdatasync", FilePath);
    }

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void Dispose() => _handle.Dispose();

    private void WriteGathered(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long position)
    {
        int count = buffers.Count;
        if (count == 0) return;
        if (_vectors.Length < count)
        {
            int capacity = Math.Max(count, _vectors.Length * 2);
            _vectors = new IoVector[capacity];
            _pins = new MemoryHandle[capacity];
        }

        try
        {
            for (int i = 0; i < count; i++)
            {
                var buffer = buffers[i];
                _pins[i] = buffer.Pin();
                _vectors[i].Base = (byte*)_pins[i].Pointer;
                _vectors[i].Length = (nuint)buffer.Length;
            }

            fixed (IoVector* vectors = _vectors)
            {
                int index = 0;
                while (index < count)
                {
                    nint written = LibC.PWriteV(_handle, vectors + index, Math.Min(count - index, LibC.MaxIoVectors), position);
                    if (written < 0)
                    {
                        if (Marshal.GetLastPInvokeError() == LibC.EINTR) continue;
                        throw LibC.Error("pwritev", FilePath);
                    }
                    if (written == 0) throw new IOException($"pwritev wrote nothing to '{FilePath}' at position {position}.");

                    // A short write (signal, quota) resumes mid-buffer.
                    position += written;
                    while (index < count && (nuint)written >= vectors[index].Length)
                    {
                        written -= (nint)vectors[index].Length;
                        index++;
                    }
                    if (written > 0)
                    {
                        vectors[index].Base += written;
                        vectors[index].Length -= (nuint)written;
                    }
                }
            }
        }
        finally
        {
            for (int i = 0; i < count; i++)
            {
                _pins[i].Dispose();
                _pins[i] = default;
            }
        }
    }
}
