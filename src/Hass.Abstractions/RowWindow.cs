namespace Hass.Abstractions;

/// <summary>
/// Which rows of a producer each output row of a layer reads — the row dependency a layer pipeline steps through
/// (the analytical row pipeline of the dataflow backend and the board emulator use the same rule).
/// </summary>
/// <param name="FirstInputRow">For each output row, the first producer row it reads.</param>
/// <param name="LastInputRow">For each output row, the last producer row it reads.</param>
/// <param name="LastReader">For each producer row, the last output row that reads it.</param>
/// <param name="Span">The most producer rows one output row reads.</param>
public sealed record RowWindow(int[] FirstInputRow, int[] LastInputRow, int[] LastReader, int Span)
{
    /// <summary>The window of <paramref name="layer"/> with <paramref name="rows"/> output rows over a producer of <paramref name="producerRows"/> rows.</summary>
    public static RowWindow Of(Layer layer, int rows, int producerRows)
    {
        var first = new int[rows];
        var last = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            if (producerRows == 1) continue;
            if (layer.Kind is LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool && rows > 1)
            {
                int top = r * layer.StrideRows - layer.PadTop;
                first[r] = Math.Clamp(top, 0, producerRows - 1);
                last[r] = Math.Clamp(top + layer.KernelRows - 1, 0, producerRows - 1);
            }
            else if (rows == 1) { first[r] = 0; last[r] = producerRows - 1; }
            else if (rows == producerRows) { first[r] = last[r] = r; }
            else
            {
                first[r] = Math.Min(producerRows - 1, r * producerRows / rows);
                last[r] = Math.Min(producerRows - 1, ((r + 1) * producerRows + rows - 1) / rows - 1);
            }
        }
        int span = 1;
        for (int r = 0; r < rows; r++) span = Math.Max(span, last[r] - first[r] + 1);
        var lastReader = new int[producerRows];
        for (int j = 0, r = 0; j < producerRows; j++)
        {
            while (r + 1 < rows && first[r + 1] <= j) r++;
            lastReader[j] = r;
        }
        return new RowWindow(first, last, lastReader, span);
    }
}
