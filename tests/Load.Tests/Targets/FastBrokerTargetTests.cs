using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Targets;

public sealed class FastBrokerTargetTests
{
    [Theory]
    [InlineData(0, 2, 4, new[] { 0, 2 })]
    [InlineData(1, 2, 4, new[] { 1, 3 })]
    [InlineData(2, 3, 4, new[] { 2 })]
    [InlineData(0, 3, 4, new[] { 0, 3 })]
    [InlineData(0, 1, 4, new[] { 0, 1, 2, 3 })]
    [InlineData(3, 4, 3, new int[0])]
    public void Consumer_i_of_n_reads_the_partitions_p_with_p_mod_n_equal_to_i(int index, int consumers, int partitions, int[] expected)
    {
        Assert.Equal(expected, FastBrokerTarget.SharePartitions(index, consumers, partitions));
    }

    [Fact]
    public void FastBroker_durability_names_the_fsync_label_and_the_commit_cadence()
    {
        var target = new FastBrokerTarget("127.0.0.1:7420", new FastBrokerTargetOptions { FsyncLabel = "interval:5", ConsumersPerGroup = 3 });

        Assert.Equal("fastbroker", target.Name);
        Assert.StartsWith("fsync interval:5", target.Durability);
        Assert.Contains("acknowledged after its group commit", target.Durability);
        Assert.Contains("consumer i of 3", target.Durability);
        Assert.Contains("every 1 s", target.Durability);
    }

    [Theory]
    [InlineData(QueueReceiveMode.Pull, "queue/pull", "pull: Receive of up to 500 messages")]
    [InlineData(QueueReceiveMode.Push, "queue/push", "push: Subscribe with prefetch 500")]
    public void Queue_mode_durability_says_consumers_compete_and_ack_every_message(QueueReceiveMode mode, string label, string how)
    {
        var target = new FastBrokerTarget("127.0.0.1:7420", new FastBrokerTargetOptions
        {
            ConsumerMode = FastBrokerConsumerMode.Queue,
            QueueReceive = mode,
            QueueBatch = 500,
            ConsumersPerGroup = 3,
        });

        Assert.Equal(label, target.ConsumerModeLabel);
        Assert.StartsWith("fsync always", target.Durability);
        Assert.Contains("consumers compete on one queue", target.Durability);
        Assert.Contains(how, target.Durability);
        Assert.Contains("every ack is awaited", target.Durability);
        Assert.DoesNotContain("stream cursors", target.Durability);
    }

    [Fact]
    public void Stream_mode_is_the_default_and_says_so()
    {
        var target = new FastBrokerTarget("127.0.0.1:7420");

        Assert.Equal("stream", target.ConsumerModeLabel);
        Assert.Contains("stream cursors", target.Durability);
    }
}
