
namespace FastBroker.Server.Topics;

/// <summary>One publish waiting for its partition's writer: the batch was copied once into <see cref="Buffer"/>
/// (rented from the shared pool; the partition loop returns it).</summary>
internal readonly record struct AppendRequest(IPublishCompletion? Origin, uint RequestId, byte[]? Buffer, int Length);
