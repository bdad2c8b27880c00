using FastBroker.Fuzz.Targets;
using SharpFuzz;

// Usage: FastBroker.Fuzz <target>            (under afl-fuzz, input on stdin, persistent mode)
//        FastBroker.Fuzz <target> <file...>  (replays files once, outside AFL)
if (args.Length == 0 || !WireFuzzTargets.TryGet(args[0], out var target))
{
    Console.Error.WriteLine($"usage: FastBroker.Fuzz <{string.Join('|', WireFuzzTargets.Names)}> [file...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (string file in args.AsSpan(1))
        target(File.ReadAllBytes(file));
    return 0;
}

// Persistent mode: one process runs many inputs, so each one must leave no state behind (the targets keep none).
Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
