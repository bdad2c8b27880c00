using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>`queue create`, `receive`, `queue stats` and `dlq redrive` of the real binary against a live broker.</summary>
public sealed class QueueCliTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<Cli.Result> Run(string? stdin, params string[] args) => Cli.RunAsync(_broker.Address, stdin, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<Dictionary<string, string>> StatsAsync(string queue)
    {
        var stats = await Run(null, "queue", "stats", queue);
        Assert.Equal(0, stats.ExitCode);
        return Lines(stats.Stdout).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public async Task Received_lines_are_acked_nacked_or_left_for_later_as_asked()
    {
        var created = await Run(null, "queue", "create", "jobs", "--visibility", "1h", "--max-deliveries", "3");
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, (await Run("one\ntwo\nthree\nfour\n", "publish", "jobs")).ExitCode);

        var nacked = await Run(null, "receive", "jobs", "--max", "1", "--nack");
        Assert.Equal(["one"], Lines(nacked.Stdout));
        var acked = await Run(null, "receive", "jobs", "--max", "2");
        Assert.Equal(["one", "two"], Lines(acked.Stdout));
        var held = await Run(null, "receive", "jobs", "--max", "1", "--no-ack");
        Assert.Equal(["three"], Lines(held.Stdout));

        // "three" waits out its visibility timeout (an hour here); "four" is next.
        var stats = await StatsAsync("jobs");
        Assert.Equal("1", stats["visible"]);
        Assert.Equal("1", stats["delayed"]);
        Assert.Equal("2", stats["acked"]);
        Assert.Equal("3600000", stats["visibility_timeout_ms"]);
        Assert.Equal("jobs.dlq", stats["dead_letter_topic"]);
        Assert.Equal(["four"], Lines((await Run(null, "receive", "jobs", "--max", "10")).Stdout));
        Assert.Empty(Lines((await Run(null, "receive", "jobs", "--max", "10")).Stdout));
    }

    [Fact]
    public async Task A_poison_message_lands_in_the_dead_letter_queue_and_redrive_brings_it_back()
    {
        Assert.Equal(0, (await Run(null, "queue", "create", "work", "--max-deliveries", "2")).ExitCode);
        Assert.Equal(0, (await Run("poison\n", "publish", "work")).ExitCode);
        Assert.Equal(["poison"], Lines((await Run(null, "receive", "work", "--nack")).Stdout));
        Assert.Equal(["poison"], Lines((await Run(null, "receive", "work", "--nack")).Stdout));

        Dictionary<string, string> stats = [];
        for (int i = 0; i < 100 && (stats.Count == 0 || stats["dead_lettered_total"] != "1"); i++)
        {
            stats = await StatsAsync("work");
            if (stats["dead_lettered_total"] != "1") await Task.Delay(50);
        }
        Assert.Equal("1", stats["dead_lettered_total"]);
        Assert.Equal("0", stats["visible"]);
        Assert.Equal(["poison"], Lines((await Run(null, "consume", "work.dlq", "--timeout", "1s")).Stdout));

        var redrive = await Run(null, "dlq", "redrive", "work");
        Assert.Equal(0, redrive.ExitCode);
        Assert.Contains("moved 1", redrive.Stdout);
        Assert.Equal(["poison"], Lines((await Run(null, "receive", "work", "--wait", "5s")).Stdout));
        Assert.Contains("moved 0", (await Run(null, "dlq", "redrive", "work")).Stdout);
    }

    [Fact]
    public async Task Redrive_of_a_subscription_on_another_topic_moves_its_dead_letters_back_to_that_topic()
    {
        Assert.Equal(0, (await Run(null, "topic", "create", "orders")).ExitCode);
        Assert.Equal(0, (await Run(null, "queue", "create", "eu", "--topic", "orders", "--max-deliveries", "1",
            "--filter", "key ~ \"eu.#\"")).ExitCode);
        Assert.Equal(0, (await Run("poison\n", "publish", "orders", "--key", "eu.fr")).ExitCode);
        Assert.Equal(["poison"], Lines((await Run(null, "receive", "eu", "--topic", "orders", "--nack")).Stdout));

        string deadLettered = "0";
        for (int i = 0; i < 100 && deadLettered != "1"; i++)
        {
            var stats = Lines((await Run(null, "queue", "stats", "eu", "--topic", "orders")).Stdout)
                .Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
            deadLettered = stats["dead_lettered_total"];
            if (deadLettered != "1") await Task.Delay(50);
        }
        Assert.Equal("1", deadLettered);

        var redrive = await Run(null, "dlq", "redrive", "eu", "--topic", "orders");
        Assert.Equal(0, redrive.ExitCode);
        Assert.Contains("moved 1 message back to orders", redrive.Stdout);
        // The filter judges the moved message on its next scan; a busy machine may take more than one long poll.
        string[] received = [];
        for (int attempt = 0; attempt < 6 && received.Length == 0; attempt++)
            received = Lines((await Run(null, "receive", "eu", "--topic", "orders", "--wait", "5s")).Stdout);
        Assert.Equal(["poison"], received);
    }

    [Fact]
    public async Task Bad_queue_commands_fail_with_one_clear_line()
    {
        var unknown = await Run(null, "receive", "nothing");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown", unknown.Stderr);

        var badFlags = await Run(null, "receive", "nothing", "--ack", "--nack");
        Assert.Equal(2, badFlags.ExitCode);

        Assert.Equal(0, (await Run(null, "queue", "create", "dup")).ExitCode);
        var again = await Run(null, "queue", "create", "dup");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        var tooLong = await Run(null, "receive", "dup", "--wait", "30s");
        Assert.Equal(2, tooLong.ExitCode);
        Assert.StartsWith("error: --wait must be at most 20s, not 30s", tooLong.Stderr);
    }
}
