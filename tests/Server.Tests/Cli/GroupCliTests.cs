using System.Text;
using FastBroker.ClientLite;
using FastBroker.Server.Tests.Support;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Cli;

/// <summary><c>group list|describe|reset</c>, in-process against the real broker.</summary>
public sealed class GroupCliTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Error)> Run(params string[] args)
    {
        var (code, output, error) = await CliRun.BytesAsync([], [.. args, "--server", _broker.Endpoint]);
        return (code, Encoding.UTF8.GetString(output), error.Replace("\r\n", "\n"));
    }

    private async Task SetUpAsync()
    {
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Endpoint);
        await connection.CreateTopicAsync("orders", 2);
        using var batch = new RecordBatchBuilder();
        for (int i = 0; i < 3; i++)
            batch.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), hasKey: false, default, default, Encoding.UTF8.GetBytes($"m{i}"));
        await connection.PublishAsync("orders", 0, batch.Seal());
        await connection.CommitPositionAsync("billing", "orders", 0, 1);
    }

    [Fact]
    public async Task List_describe_and_reset_show_and_move_the_positions()
    {
        await SetUpAsync();

        var list = await Run("group", "list");
        var described = await Run("group", "describe", "billing", "--topic", "orders");
        var dry = await Run("group", "reset", "billing", "--topic", "orders", "--to", "latest", "--dry-run");
        var unchanged = await Run("group", "describe", "billing");
        var reset = await Run("group", "reset", "billing", "--topic", "orders", "--to", "earliest", "--partition", "0");
        var after = await Run("group", "describe", "billing");

        Assert.Equal((0, "billing\torders\n", ""), list);
        Assert.Equal(0, described.ExitCode);
        string[] lines = described.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("TOPIC\tPARTITION\tCOMMITTED\tSTART\tEND\tLAG\tAGE\tOWNER", lines[0]);
        Assert.Matches(@"^orders\t0\t1\t0\t3\t2\t\d+s\t-$", lines[1]);
        Assert.Equal("orders\t1\t-\t0\t0\t0\t-\t-", lines[2]);
        Assert.Equal(3, lines.Length); // no members: no members section
        Assert.Equal((0, "orders\t0\t3\norders\t1\t0\n", "dry run: nothing was changed\n"), dry);
        Assert.Equal(described.Out.Split('\n')[1][..14], unchanged.Out.Split('\n')[1][..14]);
        Assert.Equal((0, "orders\t0\t0\n", ""), reset);
        Assert.StartsWith("orders\t0\t0\t0\t3\t3\t", after.Out.Split('\n')[1]);
    }

    [Fact]
    public async Task Describe_shows_the_members_and_the_owner_of_each_partition()
    {
        await SetUpAsync();
        await using var connection = await BrokerConnection.ConnectAsync(_broker.Endpoint);
        var member = await connection.JoinGroupAsync("billing", "orders", TimeSpan.FromSeconds(30));

        var text = await Run("group", "describe", "billing");
        var json = await Run("group", "describe", "billing", "--topic", "orders", "--format", "json");
        var reset = await Run("group", "reset", "billing", "--topic", "orders", "--to", "earliest");

        Assert.Equal(0, text.ExitCode);
        string[] lines = text.Out.TrimEnd('\n').Split('\n');
        Assert.EndsWith($"\t{member.MemberId}", lines[1]);
        Assert.EndsWith($"\t{member.MemberId}", lines[2]);
        Assert.Equal("", lines[3]);
        Assert.Equal("MEMBER\tCLIENT\tTOPIC\tGENERATION\tSESSION\tPARTITIONS\tREVOKING", lines[4]);
        Assert.Equal($"{member.MemberId}\t", lines[5][..(member.MemberId.Length + 1)]);
        Assert.EndsWith($"\torders\t{member.Generation}\t30000ms\t0,1\t-", lines[5]);
        Assert.Equal(6, lines.Length);

        Assert.Equal(0, json.ExitCode);
        using var parsed = System.Text.Json.JsonDocument.Parse(json.Out);
        var partitions = parsed.RootElement.GetProperty("partitions");
        Assert.Equal(2, partitions.GetArrayLength());
        Assert.Equal(member.MemberId, partitions[0].GetProperty("owner").GetString());
        var members = parsed.RootElement.GetProperty("members");
        Assert.Equal(member.MemberId, members[0].GetProperty("member").GetString());
        Assert.Equal(2, members[0].GetProperty("partitions").GetArrayLength());

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains("has members", reset.Error);
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_broker_errors_exit_1()
    {
        await SetUpAsync();

        var noTo = await Run("group", "reset", "billing", "--topic", "orders");
        var badTo = await Run("group", "reset", "billing", "--topic", "orders", "--to", "soon");
        var noTopic = await Run("group", "reset", "billing", "--to", "earliest");
        var unknown = await Run("group", "describe", "billing", "--topic", "nope");
        var partition = await Run("group", "reset", "billing", "--topic", "orders", "--to", "earliest", "--partition", "5");

        Assert.Equal(2, noTo.ExitCode);
        Assert.Equal(2, badTo.ExitCode);
        Assert.Contains("'soon' is not a position for --to", badTo.Error);
        Assert.Equal(2, noTopic.ExitCode);
        Assert.Equal((1, ""), (unknown.ExitCode, unknown.Out));
        Assert.Contains("unknown topic 'nope'", unknown.Error);
        Assert.Equal(1, partition.ExitCode);
        Assert.Contains("has no such partition", partition.Error);
    }
}
