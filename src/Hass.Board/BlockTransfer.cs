using Hass.Board.Protocol;

namespace Hass.Board;

/// <summary>
/// One resumable transfer (PROTOCOL.md): TRANSFER_BEGIN, the blocks the board does not hold yet in chunks whose
/// size adapts to the line (halved after a re-send, doubled after clean chunks), then COMMIT; begun again when
/// the board lost the transfer (it resumes from what the board still has).
/// </summary>
internal sealed class BlockTransfer
{
    private readonly BoardSession _session;
    private readonly DeployOptions _deploy;
    private readonly TransferSlot _slot;
    private readonly byte[] _data;
    private readonly string _description;
    private readonly string _stage;
    private readonly IProgress<BoardProgress>? _progress;
    private readonly int _blockSize;
    private readonly uint _blockCount;
    private readonly byte[] _sha;
    private readonly int _maxBlocksPerChunk;
    private int _blocksPerChunk;
    private int _cleanChunks;

    private BlockTransfer(BoardSession session, DeployOptions deploy, TransferSlot slot, byte[] data, string description, string stage, IProgress<BoardProgress>? progress, int maxData)
    {
        (_session, _deploy, _slot, _data, _description, _stage, _progress) = (session, deploy, slot, data, description, stage, progress);
        // Blocks must be few enough for the TRANSFER_STATE bitmap to fit one payload.
        _blockSize = deploy.BlockSize;
        while ((long)data.Length / _blockSize / 8 > maxData - 64)
        {
            _blockSize *= 2;
            if (_blockSize > maxData) throw new BoardException($"transfer of {data.Length} bytes is too large for board at {session.Address}", ErrorCode.TooLarge);
        }
        _blockCount = (uint)((data.Length + _blockSize - 1) / _blockSize);
        _sha = PackageHash.Sha256(data);
        _maxBlocksPerChunk = Math.Max(1, Math.Min(deploy.MaxChunkBytes, maxData) / _blockSize);
        _blocksPerChunk = _maxBlocksPerChunk;
    }

    /// <summary>Sends <paramref name="data"/> into <paramref name="slot"/> of the board and commits it.</summary>
    public static async Task<Committed> SendAsync(BoardSession session, DeployOptions deploy, TransferSlot slot, byte[] data, string description, string stage,
        IProgress<BoardProgress>? progress, CancellationToken cancellationToken)
    {
        var info = await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        int maxData = (int)Math.Min(info.MaxPayload, FrameCodec.MaxPayload) - TransferChunk.Overhead;
        var transfer = new BlockTransfer(session, deploy, slot, data, description, stage, progress, maxData);
        return await transfer.SendAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Committed> SendAsync(CancellationToken cancellationToken)
    {
        var begin = new TransferBegin(_slot, (ulong)_data.Length, (uint)_blockSize, _sha, _description).Encode();
        for (int restart = 0; ; restart++)
        {
            var state = TransferState.Decode((await _session.RequestAsync(FrameType.TransferBegin, begin, FrameType.TransferState, cancellationToken).ConfigureAwait(false)).Payload);
            if (state.BlockCount != _blockCount || state.BlockSize != _blockSize)
                throw new BoardException($"board at {_session.Address} answered TRANSFER_BEGIN with {state.BlockCount} blocks of {state.BlockSize} bytes, expected {_blockCount} of {_blockSize}");
            long have = state.BlocksReceived;
            _progress?.Report(new BoardProgress(_stage, have * _blockSize, _data.Length, have > 0 ? $"resuming: board holds {have} of {_blockCount} blocks" : $"sending {_data.Length} bytes"));
            try
            {
                await SendMissingBlocksAsync(state, cancellationToken).ConfigureAwait(false);
                return await CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BoardException e) when (e.Code is ErrorCode.NoTransfer or ErrorCode.TransferIncomplete && restart < _deploy.Restarts)
            {
                // The board lost (part of) the transfer, e.g. it rebooted; BEGIN again resumes from what it still has.
                _progress?.Report(new BoardProgress(_stage, 0, _data.Length, $"board lost the transfer ({e.Code}); restarting"));
            }
        }
    }

    private async Task SendMissingBlocksAsync(TransferState state, CancellationToken cancellationToken)
    {
        uint block = 0;
        while (block < _blockCount)
        {
            if (state.Has(block)) { block++; continue; }
            uint end = block;
            while (end < _blockCount && end - block < _blocksPerChunk && !state.Has(end)) end++;
            if (await SendChunkAsync(block, end, cancellationToken).ConfigureAwait(false)) block = end;
        }
    }

    /// <summary>Sends blocks [block, end); false when the chunk did not get through and was halved (send again).</summary>
    private async Task<bool> SendChunkAsync(uint block, uint end, CancellationToken cancellationToken)
    {
        int offset = (int)(block * _blockSize);
        int length = (int)Math.Min((long)(end - block) * _blockSize, _data.Length - offset);
        var chunk = new TransferChunk(_slot, block, _data.AsSpan(offset, length).ToArray()).Encode();
        Frame reply;
        try
        {
            // A large chunk on a noisy line may never get through whole: give it a few attempts, then halve it.
            reply = await _session.RequestAsync(FrameType.TransferChunk, chunk, FrameType.ChunkAck, cancellationToken,
                attempts: end - block > 1 ? Math.Min(3, _session.Options.AttemptsPerRequest) : null).ConfigureAwait(false);
        }
        catch (BoardException e) when (e.InnerException is TimeoutException && end - block > 1)
        {
            _blocksPerChunk = Math.Max(1, (int)(end - block) / 2);
            _cleanChunks = 0;
            return false;
        }
        var ack = ChunkAck.Decode(reply.Payload);
        if (ack.FirstBlock != block || ack.Blocks != end - block)
            throw new BoardException($"board at {_session.Address} acknowledged blocks {ack.FirstBlock}+{ack.Blocks}, expected {block}+{end - block}");
        if (_session.LastAttempts > 1) { _blocksPerChunk = Math.Max(1, _blocksPerChunk / 2); _cleanChunks = 0; }
        else if (++_cleanChunks >= 8 && _blocksPerChunk < _maxBlocksPerChunk) { _blocksPerChunk *= 2; _cleanChunks = 0; }
        _progress?.Report(new BoardProgress(_stage, Math.Min((long)ack.BlocksReceived * _blockSize, _data.Length), _data.Length, ""));
        return true;
    }

    private async Task<Committed> CommitAsync(CancellationToken cancellationToken)
    {
        var commit = new TransferCommit(_slot, _sha).Encode();
        var committed = Committed.Decode((await _session.RequestAsync(FrameType.TransferCommit, commit, FrameType.Committed, cancellationToken).ConfigureAwait(false)).Payload);
        if (!committed.Sha256.AsSpan().SequenceEqual(_sha))
            throw new BoardException($"board at {_session.Address} committed different content than was sent (SHA-256 mismatch)");
        _progress?.Report(new BoardProgress(_stage, _data.Length, _data.Length, $"committed ({_description})"));
        return committed;
    }
}
