using FastBroker.Server.Cli;
using FastBroker.Server.Tests.Support;

namespace FastBroker.Server.Tests.Cli;

/// <summary>The commands run in-process against the real broker (<see cref="InProcessBroker"/>), through injected streams.</summary>
public sealed class ClientCliCommandTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Error)> Run(string stdin, params string[] args)
    {
        var (code, output, error) = await CliRun.BytesAsync(System.Text.Encoding.UTF8.GetBytes(stdin), [.. args, "--server", _broker.Endpoint]);
        return (code, System.Text.Encoding.UTF8.GetString(output), error);
    }

    [Fact]
    public async Task Topic_create_list_and_delete_print_one_line_each()
    {
        var created = await Run("", "topic", "create", "orders", "--partitions", "4");
        await Run("", "topic", "create", "audit");
        var listed = await Run("", "topic", "list");
        var deleted = await Run("", "topic", "delete", "audit");
        var after = await Run("", "topic", "list");

        Assert.Equal((0, "created orders (4 partitions)\n", ""), created);
        Assert.Equal((0, "audit\t1\norders\t4\n", ""), listed);
        Assert.Equal((0, "deleted audit\n", ""), deleted);
        Assert.Equal((0, "orders\t4\n", ""), after);
    }

    [Fact]
    public async Task Topic_list_with_ids_adds_each_topics_id_and_a_recreated_topic_shows_another()
    {
        await Run("", "topic", "create", "orders", "--partitions", "2");
        var first = await Run("", "topic", "list", "--ids");
        await Run("", "topic", "delete", "orders");
        await Run("", "topic", "create", "orders", "--partitions", "3");
        var second = await Run("", "topic", "list", "--ids");

        string[] before = first.Out.TrimEnd('\n').Split('\t');
        string[] after = second.Out.TrimEnd('\n').Split('\t');
        Assert.Equal(["orders", "2"], before[..2]);
        Assert.Equal(["orders", "3"], after[..2]);
        Assert.True(Guid.TryParseExact(before[2], "N", out var id) && id != Guid.Empty, first.Out);
        Assert.True(Guid.TryParseExact(after[2], "N", out var newId) && newId != Guid.Empty, second.Out);
        Assert.NotEqual(id, newId);
    }

    [Fact]
    public async Task Broker_errors_are_one_line_and_exit_code_1()
    {
        await Run("", "topic", "create", "orders");

        var exists = await Run("", "topic", "create", "orders");
        var unknown = await Run("", "topic", "delete", "nope");
        var publishUnknown = await Run("x\n", "publish", "nope");

        Assert.Equal((1, "", "error: topic 'orders' already exists\n"), (exists.ExitCode, exists.Out, exists.Error.Replace("\r\n", "\n")));
        Assert.Equal((1, "error: unknown topic 'nope'"), (unknown.ExitCode, unknown.Error.TrimEnd()));
        Assert.Equal((1, "error: unknown topic 'nope'"), (publishUnknown.ExitCode, publishUnknown.Error.TrimEnd()));
    }

    [Fact]
    public async Task Publish_sends_one_message_per_line_and_consume_prints_them()
    {
        await Run("", "topic", "create", "orders");

        var published = await Run("first\nsecond with spaces\nthird\n", "publish", "orders");
        var consumed = await Run("", "consume", "orders", "--timeout", "1s");

        Assert.Equal((0, "published 3\n", ""), published);
        Assert.Equal(["first", "second with spaces", "third"], await _broker.ValuesAsync("orders", 0));
        Assert.Equal((0, "first\nsecond with spaces\nthird\n", ""), consumed);
    }

    [Fact]
    public async Task Publish_to_a_partition_that_does_not_exist_fails()
    {
        await Run("", "topic", "create", "orders", "--partitions", "2");

        var run = await Run("x\n", "publish", "orders", "--partition", "5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no partition 5", run.Error);
    }

    [Fact]
    public async Task Consume_with_a_group_continues_where_the_previous_run_stopped()
    {
        await Run("", "topic", "create", "orders");
        await Run("a\nb\nc\nd\ne\n", "publish", "orders");

        var first = await Run("", "consume", "orders", "--group", "g", "--count", "2");
        var second = await Run("", "consume", "orders", "--group", "g", "--timeout", "1s", "--from", "latest");
        var third = await Run("", "consume", "orders", "--group", "g", "--timeout", "1s");

        Assert.Equal((0, "a\nb\n", ""), first);
        Assert.Equal((0, "c\nd\ne\n", ""), second);
        Assert.Equal((0, "", ""), third);
    }

    [Fact]
    public async Task Consume_from_an_offset_or_latest()
    {
        await Run("", "topic", "create", "orders");
        await Run("a\nb\nc\n", "publish", "orders");

        var fromOffset = await Run("", "consume", "orders", "--from", "1", "--timeout", "1s");
        var fromLatest = await Run("", "consume", "orders", "--from", "latest", "--timeout", "1s");

        Assert.Equal((0, "b\nc\n", ""), fromOffset);
        Assert.Equal((0, "", ""), fromLatest);
    }
}
