using System.Text;
using FastBroker.Load.Targets;
using FastBroker.Wire;
using FastBroker.Wire.Filters;

namespace FastBroker.Load.Tests.Targets;

public sealed class RouteKeysTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(RouteKeys.MaxRoutes)]
    public void Message_i_carries_a_key_of_route_i_mod_n_that_only_its_route_matches(int routes)
    {
        var keys = new RouteKeys(routes);
        var patterns = new RoutingPattern[routes];
        for (int k = 0; k < routes; k++)
            patterns[k] = RoutingPattern.Parse(RouteKeys.Pattern(k));

        for (long i = 0; i < 3 * routes * RouteKeys.WordsPerRoute + 7; i++)
        {
            string key = keys.Text(i);
            Assert.Equal(key, Encoding.UTF8.GetString(keys.Utf8(i)));
            Assert.Equal((int)(i % routes), keys.RouteOf(i));
            for (int k = 0; k < routes; k++)
                Assert.True(patterns[k].Matches(key) == (k == i % routes), $"key {key} of message {i} against {patterns[k].Text}");
        }
    }

    [Fact]
    public void Each_route_gets_an_equal_share_of_a_publisher_s_messages()
    {
        var keys = new RouteKeys(10);
        var perRoute = new int[10];
        for (long i = 0; i < 10_000; i++)
            perRoute[int.Parse(keys.Text(i).AsSpan(1, keys.Text(i).IndexOf('.') - 1))]++;

        Assert.All(perRoute, count => Assert.Equal(1_000, count));
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(4, 4)]
    [InlineData(10, 4)]
    [InlineData(10, 8)]
    [InlineData(RouteKeys.MaxRoutes, 4)]
    public void Every_route_s_keys_hash_to_every_partition(int routes, int partitions)
    {
        // FastBroker places a keyed message by its key's hash: a route on one partition would leave others idle.
        var keys = new RouteKeys(routes);
        var reached = new HashSet<int>[routes];
        for (int k = 0; k < routes; k++)
            reached[k] = [];
        for (long i = 0; i < routes * RouteKeys.WordsPerRoute; i++)
            reached[keys.RouteOf(i)].Add(PartitionHash.ForKey(keys.Utf8(i), partitions));

        for (int k = 0; k < routes; k++)
            Assert.Equal(partitions, reached[k].Count);
    }

    [Fact]
    public void The_filter_of_a_route_is_a_valid_key_pattern_filter()
    {
        Assert.Equal("r3.#", RouteKeys.Pattern(3));
        Assert.Equal("key ~ \"r3.#\"", RouteKeys.Filter(3));
        Assert.Equal("key ~ \"r3.#\"", MessageFilter.Parse(RouteKeys.Filter(3)).Text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(RouteKeys.MaxRoutes + 1)]
    public void Route_counts_outside_1_to_64_are_refused(int routes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RouteKeys(routes));
    }
}
