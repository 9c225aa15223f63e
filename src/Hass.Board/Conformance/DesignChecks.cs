using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Hass.Abstractions;
using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>Design refusals at COMMIT (PROTOCOL.md §6.1): another board, resources, malformed packages; the live design stays.</summary>
public static class DesignChecks
{
    private const string Group = "design";

    private static async Task ExpectRejectedAsync(ConformanceContext c, byte[] package, CancellationToken ct)
    {
        if (c.DeployedDesignId == 0) await c.DeployTestDesignAsync(ct);
        var reply = await c.TransferAsync(TransferSlot.Design, package, ct);
        if (reply.Type == FrameType.Committed) c.DeployedDesignId = Committed.Decode(reply.Payload).Id;
        ExpectError(reply, ErrorCode.DesignRejected);
        var status = await c.StatusAsync(ct);
        if (status.DesignId != c.DeployedDesignId) throw new ConformanceFailure($"the refused design replaced design {c.DeployedDesignId} (STATUS says {status.DesignId})");
    }

    /// <summary>The test package with its manifest text edited (e.g. a field set to an out-of-range value).</summary>
    private static byte[] EditManifest(byte[] package, Func<string, string> edit)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(8));
        var manifest = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(package, 12, length)));
        var result = new byte[12 + manifest.Length + package.Length - 12 - length];
        package.AsSpan(0, 8).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)manifest.Length);
        manifest.CopyTo(result, 12);
        package.AsSpan(12 + length).CopyTo(result.AsSpan(12 + manifest.Length));
        return result;
    }

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new(Group, "a design made for another board is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, TestDesign.Package(c.Info.BoardName == "selftest-other" ? "selftest-another" : "selftest-other"), ct)),
        new(Group, "a design needing more DSPs than the board has is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, TestDesign.Package(c.Info.BoardName, new ResourceUsage(Dsp: c.Info.Dsp + 1.0)), ct)),
        new(Group, "a design with negative resources is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, TestDesign.Package(c.Info.BoardName, new ResourceUsage(Dsp: 1, Lut: -1)), ct)),
        new(Group, "a malformed package is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, Encoding.ASCII.GetBytes("HASSDEP1\u0004\0\0\0{}}}not a package"), ct)),
        new(Group, "a tensor offset of 2^63-1 is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, EditManifest(TestDesign.Package(c.Info.BoardName), m => Regex.Replace(m, "\"weightsOffset\"\\s*:\\s*0", "\"weightsOffset\":9223372036854775807")), ct)),
        new(Group, "a folding of 10^9 parallel lanes is DESIGN_REJECTED", (c, ct) =>
            ExpectRejectedAsync(c, EditManifest(TestDesign.Package(c.Info.BoardName), m => new Regex("\"coarseIn\"\\s*:\\s*\\d+", RegexOptions.RightToLeft).Replace(m, "\"coarseIn\":1000000000", 1)), ct)),
    ];
}
