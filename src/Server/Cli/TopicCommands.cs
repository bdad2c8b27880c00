using System.CommandLine;
using FastBroker.ClientLite;

namespace FastBroker.Server.Cli;

/// <summary><c>topic create|list|delete</c>.</summary>
internal static class TopicCommands
{
    public static Command Build(CliConsole console, Option<string> server)
    {
        var create = new Command("create", "Create a topic");
        var createName = CliOptions.TopicName();
        var partitions = CliOptions.Int("--partitions", "Number of partitions", 1, Wire.Protocol.MaxPartitions, CliDefaults.Partitions);
        create.Arguments.Add(createName);
        create.Options.Add(partitions);
        create.SetAction((result, ct) =>
        {
            string name = result.GetValue(createName)!;
            int count = result.GetValue(partitions);
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.CreateTopicAsync(name, count, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"created {name} ({CliText.Count(count, "partition")})").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        var list = new Command("list", "List topics: NAME<TAB>PARTITIONS per line (with --ids: NAME<TAB>PARTITIONS<TAB>ID)");
        var ids = new Option<bool>("--ids") { Description = "Add each topic's id: a topic deleted and created again under the same name has another one" };
        list.Options.Add(ids);
        list.SetAction((result, ct) => CliErrors.GuardAsync(console, null, async () =>
        {
            bool withIds = result.GetValue(ids);
            await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
            var topics = await connection.ListTopicsAsync(ct).ConfigureAwait(false);
            foreach (var topic in topics)
            {
                string line = withIds ? $"{topic.Name}\t{topic.Partitions}\t{topic.TopicId:N}" : $"{topic.Name}\t{topic.Partitions}";
                await console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
            return ClientCli.ExitOk;
        }, ct));

        var delete = new Command("delete", "Delete a topic and all its messages");
        var deleteName = CliOptions.TopicName();
        delete.Arguments.Add(deleteName);
        delete.SetAction((result, ct) =>
        {
            string name = result.GetValue(deleteName)!;
            return CliErrors.GuardAsync(console, name, async () =>
            {
                await using var connection = await BrokerConnection.ConnectAsync(result.GetValue(server)!, null, ct).ConfigureAwait(false);
                await connection.DeleteTopicAsync(name, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"deleted {name}").ConfigureAwait(false);
                return ClientCli.ExitOk;
            }, ct);
        });

        return new Command("topic", "Manage topics") { create, list, delete };
    }
}
