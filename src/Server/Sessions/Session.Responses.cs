using FastBroker.Wire.Messages.Queues;
using System.Buffers;
using System.IO.Pipelines;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    private static ReadOnlySpan<byte> ServerName => "fastbroker/1.0"u8;

    /// <summary>Encodes one queued response into the socket's output. Returns false for the Close marker.</summary>
    public bool WriteResponse(in Outbound item, PipeWriter output)
    {
        switch (item.Kind)
        {
            case OutboundKind.Empty:
                FrameWriter.WriteEmpty(output, item.Opcode, FrameFlags.Response, item.RequestId);
                break;
            case OutboundKind.Int64 when item.Opcode == Opcode.Publish:
                FrameWriter.WritePublishResponse(output, item.RequestId, item.Value);
                break;
            case OutboundKind.PublishDeduplicated:
                FrameWriter.WritePublishResponse(output, item.RequestId, item.Value, (PublishDuplicate[])item.Data!);
                break;
            case OutboundKind.Int64 when item.Opcode == Opcode.InitProducer:
                FrameWriter.WriteInitProducerResponse(output, item.RequestId, item.Value, (short)item.Length);
                break;
            case OutboundKind.Int64:
                FrameWriter.WriteReadPositionResponse(output, item.RequestId, item.Value);
                break;
            case OutboundKind.Error:
                FrameWriter.WriteError(output, item.RequestId, item.Code, (string)item.Data!);
                break;
            case OutboundKind.OffsetOutOfRange:
                var outside = (OffsetOutOfRangeAnswer)item.Data!;
                FrameWriter.WriteOffsetOutOfRange(output, item.RequestId, outside.Message, outside.LogStartOffset, outside.LogEndOffset);
                break;
            case OutboundKind.ListOffsets:
                FrameWriter.WriteListOffsetsResponse(output, item.RequestId, (ValueTuple<int, long>[])item.Data!);
                break;
            case OutboundKind.ResetSubscription:
                FrameWriter.WriteResetSubscriptionResponse(output, item.RequestId, (PartitionReset[])item.Data!);
                break;
            case OutboundKind.ListGroups:
                FrameWriter.WriteListGroupsResponse(output, item.RequestId, (List<(string, IReadOnlyList<string>)>)item.Data!);
                break;
            case OutboundKind.DescribeGroup:
                FrameWriter.WriteDescribeGroupResponse(output, item.RequestId, (Wire.Messages.Groups.GroupPartitionLag[])item.Data!);
                break;
            case OutboundKind.DescribeGroupMembers:
                var described = (DescribeGroupAnswer)item.Data!;
                FrameWriter.WriteDescribeGroupResponse(output, item.RequestId, described.Entries, described.Members);
                break;
            case OutboundKind.GroupAssignment:
                WriteAssignment(output, item);
                break;
            case OutboundKind.ResetGroup:
                FrameWriter.WriteResetGroupResponse(output, item.RequestId, (ValueTuple<int, long>[])item.Data!);
                break;
            case OutboundKind.Handshake:
                FrameWriter.WriteHandshakeResponse(output, item.RequestId, _broker.Limits.MaxFrameBytes, _broker.Limits.MaxMessageBytes, ServerName);
                break;
            case OutboundKind.Ping:
                var echo = (byte[])item.Data!;
                FrameWriter.WritePing(output, item.RequestId, echo.AsSpan(0, item.Length), FrameFlags.Response);
                ArrayPool<byte>.Shared.Return(echo);
                break;
            case OutboundKind.ListTopics:
                FrameWriter.WriteListTopicsResponse(output, item.RequestId, (List<(string, int, Guid)>)item.Data!, withIds: item.Value != 0);
                break;
            case OutboundKind.TopicMetadata:
                var metadata = (MetadataAnswer)item.Data!;
                FrameWriter.WriteTopicMetadataResponse(output, item.RequestId, metadata.Ranges, metadata.TopicId, metadata.Retention, metadata.DedupWindow);
                break;
            case OutboundKind.FetchData:
                WriteFetchData(item, output);
                break;
            case OutboundKind.Frame:
                var frame = (byte[])item.Data!;
                output.Write(frame.AsSpan(0, item.Length));
                Topics.BatchBuffers.Pool.Return(frame);
                break;
            case OutboundKind.Settle:
                FrameWriter.WriteSettleResponse(output, item.Opcode, item.RequestId, (uint)item.Value);
                break;
            case OutboundKind.EmptyDelivery:
                FrameWriter.WriteDeliveryPrefix(output.GetSpan(FrameWriter.DeliveryPrefixSize), item.Opcode, FrameFlags.Response, item.RequestId, 4, 0);
                output.Advance(FrameWriter.DeliveryPrefixSize);
                break;
            case OutboundKind.SubscriptionStats:
                FrameWriter.WriteSubscriptionStatsResponse(output, item.RequestId, (Wire.Messages.Queues.SubscriptionStats)item.Data!);
                break;
            case OutboundKind.Close:
                return false;
        }
        return true;
    }
}
