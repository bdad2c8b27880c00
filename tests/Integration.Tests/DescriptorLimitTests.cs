using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;

namespace FastBroker.IntegrationTests;

/// <summary>Admin work that runs out of file descriptors, against the real binary under a low <c>ulimit -n</c>.</summary>
public sealed class DescriptorLimitTests
{
    [Fact]
    public async Task CreateTopic_past_the_descriptor_limit_answers_StorageError_leaves_nothing_behind_and_the_connection_stays_usable()
    {
        // The framework-dependent build holds ~90 descriptors for its assemblies alone (the native one far fewer), so
        // the limit leaves room to start and serve one connection, and no more.
        await using var broker = await BrokerProcess.StartWithFileLimitAsync(160);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Address);

        // A descriptor a partition at least (its active segment, more while it opens): 200, past the limit.
        var error = await Assert.ThrowsAsync<BrokerException>(() => connection.CreateTopicAsync("wide", 200).AsTask());

        Assert.Equal(ErrorCode.StorageError, error.Code);
        Assert.Contains("could not create topic 'wide'", error.Message);
        Assert.Contains("nothing was kept", error.Message);
        Assert.False(Directory.Exists(Path.Combine(broker.DataDirectory, "topics", "wide")));

        // Same connection: still answering, the failed topic does not exist, and the descriptors came back.
        await connection.PingAsync();
        Assert.DoesNotContain(await connection.ListTopicsAsync(), t => t.Name == "wide");
        await connection.CreateTopicAsync("narrow", 2);
        long offset = await connection.PublishAsync("narrow", 1, TestBatches.Numbered(3, 50));
        Assert.Equal(0, offset);
        using var fetched = await connection.FetchAsync("narrow", 1, 0, 1 << 16, TimeSpan.Zero);
        Assert.Equal(3, fetched.LogEndOffset);

        // And the name is free again: once descriptors allow, the same create succeeds.
        await connection.CreateTopicAsync("wide", 4);
    }
}
