using FastBroker.Server.Durability;

namespace FastBroker.Server.Tests.Durability;

public sealed class DurableFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fb-durable-{Guid.NewGuid():N}");

    public DurableFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Replace_writes_a_new_file_and_replaces_an_old_one_leaving_no_temp_file()
    {
        string path = Path.Combine(_directory, "topic.meta");
        DurableFile.Replace(path, "partitions=4\n"u8);
        Assert.Equal("partitions=4\n", File.ReadAllText(path));

        DurableFile.Replace(path, "partitions=8\n"u8);

        Assert.Equal("partitions=8\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_streamed_replacement_holds_everything_written_from_offset_zero()
    {
        string path = Path.Combine(_directory, "acks.log");
        File.WriteAllText(path, "an older and longer file than the new one");

        DurableFile.Replace(path, 3, static (handle, parts) =>
        {
            for (int i = 0; i < parts; i++) RandomAccess.Write(handle, "abc"u8, i * 3);
        });

        Assert.Equal("abcabcabc", File.ReadAllText(path));
    }

    [Fact]
    public void When_writing_fails_the_old_file_stays_as_it_was()
    {
        string path = Path.Combine(_directory, "positions.log");
        File.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => DurableFile.Replace(path, 0, static (_, _) => throw new IOException("disk full")));

        Assert.Equal("old", File.ReadAllText(path));
    }
}
