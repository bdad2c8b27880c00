using FastBroker.Fuzz.Targets;

namespace FastBroker.Wire.Tests.Fuzz;

/// <summary>
/// Replays the saved fuzz corpus (FuzzCorpus/&lt;target&gt;/, minimised from AFL runs, see fuzz/README.md) through the
/// same entry points the fuzzer drives: whatever the bytes, every decoder answers with a status, never an exception.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    private static string CorpusRoot => Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (string name in WireFuzzTargets.Names) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_saved_input_is_decoded_without_an_exception(string name)
    {
        Assert.True(WireFuzzTargets.TryGet(name, out var target));
        string directory = Path.Combine(CorpusRoot, name);
        string[] files = Directory.GetFiles(directory);
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            var thrown = Record.Exception(() => target(input));
            Assert.True(thrown is null, $"{name}/{Path.GetFileName(file)}: {thrown}");
        }
    }

    [Fact]
    public void Every_target_has_a_saved_corpus_and_every_corpus_a_target()
    {
        var directories = Directory.GetDirectories(CorpusRoot).Select(Path.GetFileName).Order();
        Assert.Equal(WireFuzzTargets.Names.Order(), directories);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Empty_and_tiny_inputs_are_rejected_quietly(string name)
    {
        Assert.True(WireFuzzTargets.TryGet(name, out var target));
        for (int length = 0; length < 64; length++)
        {
            byte[] zeros = new byte[length];
            byte[] ones = Enumerable.Repeat((byte)0xFF, length).ToArray();
            target(zeros);
            target(ones);
        }
    }
}
