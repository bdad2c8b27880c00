using FastBroker.Wire;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// How the fake broker deviates for one request: answer <see cref="Error"/> instead (nothing is applied), close
/// the connection (<see cref="Drop"/>, nothing is applied), send <see cref="ConnectionError"/> about the whole
/// connection (request id 0) and close, answer with the frame <see cref="Respond"/> builds for the request id
/// (nothing is applied), apply it now and answer once <see cref="Gate"/> completes, or apply it and close the
/// connection without answering (<see cref="DropAfterApplying"/>: the client cannot know it was applied).
/// </summary>
internal sealed record FakeReply(ErrorCode? Error = null, bool Drop = false, Task? Gate = null, string Message = "injected by the test",
    ErrorCode? ConnectionError = null, Func<uint, byte[]>? Respond = null, bool DropAfterApplying = false);
