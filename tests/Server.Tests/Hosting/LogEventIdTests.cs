using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Tests.Hosting;

/// <summary>Every log event of the broker has its own id, in the range of the folder that logs it (OPERATIONS.md "Logs").</summary>
public sealed class LogEventIdTests
{
    private static readonly Dictionary<string, int> RangeStartByNamespace = new()
    {
        ["FastBroker.Server.Journal.Internal"] = 0,
        ["FastBroker.Server.Topics"] = 100,
        ["FastBroker.Server.Sessions"] = 200,
        ["FastBroker.Server.Subscriptions"] = 300,
        ["FastBroker.Server.Hosting"] = 400,
        ["FastBroker.Server.Durability"] = 500,
        ["FastBroker.Server.Transport"] = 600,
        ["FastBroker.Server.Positions"] = 700,
    };

    private static IEnumerable<(MethodInfo Method, int Id)> LogEvents()
    {
        foreach (var type in typeof(Program).Assembly.GetTypes())
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
                    yield return (method, attribute.EventId);
    }

    [Fact]
    public void No_two_log_events_share_an_id()
    {
        var events = LogEvents().ToList();
        Assert.NotEmpty(events);
        var shared = events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method.DeclaringType!.Name}.{e.Method.Name}"))}").ToList();
        Assert.Empty(shared);
    }

    [Fact]
    public void Each_log_event_id_is_in_the_range_of_its_folder()
    {
        foreach (var (method, id) in LogEvents())
        {
            string ns = method.DeclaringType!.Namespace!;
            Assert.True(RangeStartByNamespace.TryGetValue(ns, out int start), $"{ns} has no event id range");
            Assert.True(id >= start && id < start + 100, $"{method.DeclaringType.Name}.{method.Name} has id {id}, outside {start}-{start + 99}");
        }
    }
}
