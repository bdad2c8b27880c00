using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

public sealed partial class BrokerConnection
{
    /// <summary>
    /// InitProducer (PROTOCOL.md 5.32): a new producer id and epoch 0 for <paramref name="producerId"/> -1, or the
    /// next epoch of an existing producer (which fences the older epoch's batches).
    /// </summary>
    internal async ValueTask<(long ProducerId, short Epoch)> InitProducerAsync(long producerId, short epoch, CancellationToken cancellationToken)
    {
        var pending = BeginRequest(Opcode.InitProducer, TimeSpan.Zero, cancellationToken);
        if (BeginWrite(pending))
        {
            try { FrameWriter.WriteInitProducer(_writeBuffer, pending.Id, producerId, epoch); }
            finally { EndWrite(); }
        }
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!InitProducerMessage.TryParse(pending.BodySpan, out var answer) || answer.ProducerId < 0 || answer.Epoch < 0)
                throw ProtocolViolation($"an InitProducer response of {pending.BodyLength} bytes that is not a producer id and epoch");
            return (answer.ProducerId, answer.Epoch);
        }
        finally
        {
            Release(pending);
        }
    }
}
