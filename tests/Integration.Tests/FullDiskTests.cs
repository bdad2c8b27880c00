using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;
using FastBroker.Wire.Records;
using Xunit.Abstractions;

namespace FastBroker.IntegrationTests;

/// <summary>
/// The real broker on a real, small filesystem (an 8 MiB tmpfs, root only) filled by publishing: publishes are refused
/// with a clear error, everything acknowledged stays readable, publishes succeed again once space is freed without a
/// restart, and a restart finds every acknowledged message. Without root the same scenario runs in-process through
/// the fault-injecting file seam (Server.Tests: PartitionTests.A_full_disk_refuses_the_group_with_a_remedy_...).
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;
    private const int BigRecords = 16;
    private const int BigValueBytes = 4000; // ~64 KiB a batch
    private const string Topic = "filling";

    // What was acknowledged: base offset, record count, the seed of the values.
    private readonly List<(long Offset, int Count, int Seed)> _acked = [];
    private int _nextSeed;

    [Fact]
    public async Task The_watermark_refuses_publishes_before_the_disk_is_full_and_they_succeed_again_once_space_is_freed()
    {
        using var fs = MountWithFiller(out string data);
        if (fs is null) return;
        string[] args = ["--min-free-disk", "4m"];

        await using (var broker = await BrokerProcess.StartAsync(data, 0, args))
        {
            await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
            await connection.CreateTopicAsync(Topic, 1);

            for (int i = 0; i < 200 && fs.FreeBytes >= 4 * MiB; i++) await PublishBigAsync(connection);
            Assert.True(fs.FreeBytes < 4 * MiB, $"free {fs.FreeBytes}");

            // The watermark is sampled about once a second: small publishes go on until it notices.
            var crossed = System.Diagnostics.Stopwatch.StartNew();
            var refusal = await PublishSmallUntilRefusedAsync(connection);
            output.WriteLine($"watermark: {_acked.Count} publishes acknowledged, free {fs.FreeBytes} bytes; refused {crossed.ElapsedMilliseconds} ms after crossing: {refusal.Message}");
            Assert.Equal(ErrorCode.DiskFull, refusal.Code);
            Assert.Contains("--min-free-disk", refusal.Message);
            Assert.Contains("free space", refusal.Message);
            await AssertEveryAcknowledgedMessageIsReadableAsync(connection);

            fs.Delete("filler");
            var freed = System.Diagnostics.Stopwatch.StartNew();
            await PublishSmallUntilAcceptedAsync(connection);
            output.WriteLine($"watermark: publishes accepted again {freed.ElapsedMilliseconds} ms after space was freed");
            await PublishBigAsync(connection);
            await AssertEveryAcknowledgedMessageIsReadableAsync(connection);
            Assert.Equal(0, await broker.StopAsync());
        }

        await AssertEveryAcknowledgedMessageIsReadableAfterRestartAsync(data, args);
    }

    [Fact]
    public async Task Without_a_watermark_ENOSPC_refuses_only_the_failing_publishes_and_the_partition_recovers_when_space_returns()
    {
        using var fs = MountWithFiller(out string data);
        if (fs is null) return;
        string[] args = ["--min-free-disk", "0"];

        await using (var broker = await BrokerProcess.StartAsync(data, 0, args))
        {
            await using var connection = await BrokerConnection.ConnectAsync(broker.Address);
            await connection.CreateTopicAsync(Topic, 1);

            BrokerException? full = null;
            for (int i = 0; i < 200 && full is null; i++)
                full = await Xunit.Record.ExceptionAsync(() => PublishBigAsync(connection)) as BrokerException;
            Assert.NotNull(full);
            output.WriteLine($"ENOSPC: {_acked.Count} publishes acknowledged, free {fs.FreeBytes} bytes; then {full.Code}: {full.Message}");
            Assert.Equal(ErrorCode.StorageError, full.Code);
            Assert.Equal($"no space left on device writing partition {Topic}/0; nothing of this batch was stored; free space and retry", full.Message);

            // Not fail-stop: the next publish is tried again (and refused again while the disk is full).
            var again = await Assert.ThrowsAsync<BrokerException>(() => PublishBigAsync(connection));
            Assert.Equal(ErrorCode.StorageError, again.Code);
            await AssertEveryAcknowledgedMessageIsReadableAsync(connection);

            fs.Delete("filler");
            await PublishBigAsync(connection);
            await PublishBigAsync(connection);
            await AssertEveryAcknowledgedMessageIsReadableAsync(connection);
            Assert.Equal(0, await broker.StopAsync());
        }

        await AssertEveryAcknowledgedMessageIsReadableAfterRestartAsync(data, args);
    }

    // An 8 MiB tmpfs with a 2 MiB filler file (deleting it is how space "comes back"), or null when mounting is not
    // possible here (not root); the in-process twin in PartitionTests runs everywhere.
    private SmallFilesystem? MountWithFiller(out string data)
    {
        data = "";
        var fs = SmallFilesystem.TryMount(8, out string why);
        if (fs is null)
        {
            output.WriteLine($"not run against a real filesystem: {why}; the in-process twin covers the scenario");
            return null;
        }
        data = fs.PathOf("data");
        Directory.CreateDirectory(data);
        fs.Fill("filler", 2 * MiB);
        return fs;
    }

    private async Task AssertEveryAcknowledgedMessageIsReadableAfterRestartAsync(string data, string[] args)
    {
        await using var restarted = await BrokerProcess.StartAsync(data, 0, args);
        await using var connection = await BrokerConnection.ConnectAsync(restarted.Address);
        await AssertEveryAcknowledgedMessageIsReadableAsync(connection);
        await restarted.StopAsync();
    }

    private Task PublishBigAsync(BrokerConnection connection) => PublishAsync(connection, BigRecords, BigValueBytes);

    private async Task PublishAsync(BrokerConnection connection, int records, int valueBytes)
    {
        int seed = _nextSeed;
        long offset = await connection.PublishAsync(Topic, 0, TestBatches.Numbered(records, valueBytes, seed));
        _nextSeed += records;
        _acked.Add((offset, records, seed));
    }

    private async Task<BrokerException> PublishSmallUntilRefusedAsync(BrokerConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var error = await Xunit.Record.ExceptionAsync(() => PublishAsync(connection, 1, 100));
            if (error is BrokerException refused) return refused;
            Assert.Null(error);
            Assert.True(DateTime.UtcNow < deadline, "no publish was refused within 15 s of the disk passing the watermark");
            await Task.Delay(20);
        }
    }

    private async Task PublishSmallUntilAcceptedAsync(BrokerConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var error = await Xunit.Record.ExceptionAsync(() => PublishAsync(connection, 1, 100));
            if (error is null) return;
            Assert.Equal(ErrorCode.DiskFull, Assert.IsType<BrokerException>(error).Code);
            Assert.True(DateTime.UtcNow < deadline, "publishes were still refused 15 s after space was freed");
            await Task.Delay(50);
        }
    }

    // Fetch and TopicMetadata both still serve the partition, and it holds exactly the acknowledged records.
    private async Task AssertEveryAcknowledgedMessageIsReadableAsync(BrokerConnection connection)
    {
        long expectedEnd = _acked.Count == 0 ? 0 : _acked[^1].Offset + _acked[^1].Count;
        var metadata = await connection.GetTopicMetadataAsync(Topic);
        Assert.Equal((0L, expectedEnd), (metadata.Partitions[0].StartOffset, metadata.Partitions[0].EndOffset));

        var values = new Dictionary<long, string>();
        long offset = 0;
        for (int round = 0; round < 10_000 && offset < expectedEnd; round++)
        {
            using var fetched = await connection.FetchAsync(Topic, 0, offset, 1 << 20, TimeSpan.Zero);
            Assert.Equal(expectedEnd, fetched.LogEndOffset);
            offset = Collect(fetched.Batches.Span, values, offset);
        }
        Assert.Equal(expectedEnd, offset);
        foreach (var (baseOffset, count, seed) in _acked)
        {
            for (int i = 0; i < count; i++)
                Assert.StartsWith($"m{seed + i}:", values[baseOffset + i]);
        }
    }

    private static long Collect(ReadOnlySpan<byte> batches, Dictionary<long, string> values, long next)
    {
        while (RecordBatch.TryReadLength(batches, int.MaxValue, out int length) && length <= batches.Length)
        {
            var reader = new RecordBatchReader(batches[..length]);
            while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            {
                values[record.Offset] = Encoding.ASCII.GetString(record.Value[..Math.Min(16, record.Value.Length)]);
                next = Math.Max(next, record.Offset + 1);
            }
            batches = batches[length..];
        }
        return next;
    }
}
