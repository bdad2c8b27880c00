using System.Globalization;
using System.Text;
using FastBroker.Server.Durability;

namespace FastBroker.Server.Topics.Producers;

/// <summary>
/// Hands out producer ids (InitProducer, PROTOCOL.md 5.32) that are unique across restarts, kill -9 included: ids
/// are reserved in blocks of <see cref="BlockSize"/>, and a block's end is stored durably (<see cref="DurableFile"/>)
/// in <c>{data}/producer-ids</c> before the first id of the block is answered. A crash wastes the rest of a block.
/// </summary>
internal sealed class ProducerIdAllocator
{
    public const long BlockSize = 1000;
    public const string FileName = "producer-ids";

    private readonly Lock _lock = new();
    private readonly string _path;
    private long _next;
    private long _reserved;

    private ProducerIdAllocator(string path, long reserved)
    {
        _path = path;
        _next = reserved;
        _reserved = reserved;
    }

    /// <summary>Every id below this may have been handed out (by this run or an earlier one).</summary>
    public long HighWater
    {
        get { lock (_lock) return _reserved; }
    }

    /// <summary>Reads the stored high-water mark of <paramref name="dataDirectory"/> (0 when there is none).</summary>
    /// <exception cref="InvalidDataException">The file exists and does not hold a number.</exception>
    public static ProducerIdAllocator Open(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, FileName);
        long reserved = 0;
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out reserved))
                throw new InvalidDataException($"'{path}' does not hold a producer id high-water mark: '{text}'");
        }
        return new ProducerIdAllocator(path, reserved);
    }

    /// <summary>A new producer id, never handed out before.</summary>
    /// <exception cref="IOException">Storing the next block's end failed; no id was handed out.</exception>
    public long Allocate()
    {
        lock (_lock)
        {
            if (_next == _reserved)
            {
                long end = _reserved + BlockSize;
                DurableFile.Replace(_path, Encoding.ASCII.GetBytes(end.ToString(CultureInfo.InvariantCulture) + "\n"));
                _reserved = end;
            }
            return _next++;
        }
    }
}
