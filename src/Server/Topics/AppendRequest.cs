
namespace FastBroker.Server.Topics;

/// <summary>One publish waiting for its partition's writer: the batch was copied once into <see cref="Buffer"/>
/// (rented from the shared pool; the partition loop returns it). <see cref="Deduplicate"/> false stores the batch
/// whatever its records' dedup ids (PROTOCOL.md 6.8) and remembers none of them: the broker's own copies (dead
/// letters) are not publishes, and must not be dropped as duplicates of their originals.</summary>
internal readonly record struct AppendRequest(IPublishCompletion? Origin, uint RequestId, byte[]? Buffer, int Length, bool Deduplicate = true);
