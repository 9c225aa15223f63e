namespace Hass.Bench.Fidelity;

/// <summary>
/// How well the predicted ranking of designs matches the measured one. Two figures:
/// <list type="bullet">
/// <item><see cref="TauB"/>: Kendall's τ-b over all pairs, (concordant − discordant) / √((pairs − ties in x)(pairs − ties in y)),
/// where a pair tied in one ranking only lowers τ-b even though it orders nothing wrongly;</item>
/// <item><see cref="TauApart"/>: the τ the target is checked on, over the pairs the measurement tells apart
/// (relative difference above <c>resolution</c>): (concordant − discordant) / pairs measured apart. Designs the board
/// measures as equal cost the search nothing whichever it picks, so their order is not a ranking error; a pair the
/// prediction ties but the measurement does not counts as neither concordant nor discordant (it lowers τ).</item>
/// </list>
/// Hand-written: the few lines of pair counting are clearer than a statistics library without Kendall's τ (Math.NET has none).
/// </summary>
public sealed record RankAgreement(double TauB, double TauApart, int Discordant, int PairsApart, int Pairs)
{
    public static RankAgreement Of(IReadOnlyList<double> predicted, IReadOnlyList<double> measured, double resolution = 0)
    {
        if (predicted.Count != measured.Count) throw new ArgumentException("predicted and measured differ in length");
        int n = predicted.Count, pairs = n * (n - 1) / 2;
        int score = 0, tiedPredicted = 0, tiedMeasured = 0, apart = 0, apartScore = 0, discordant = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int p = Math.Sign(predicted[i] - predicted[j]), m = Math.Sign(measured[i] - measured[j]);
                score += p * m;
                if (p == 0) tiedPredicted++;
                if (m == 0) tiedMeasured++;
                if (!MeasuredApart(measured[i], measured[j], resolution)) continue;
                apart++;
                apartScore += p * m;
                if (p * m < 0) discordant++;
            }
        double denominator = Math.Sqrt((double)(pairs - tiedPredicted) * (pairs - tiedMeasured));
        return new RankAgreement(denominator > 0 ? score / denominator : double.NaN, apart > 0 ? apartScore / (double)apart : double.NaN,
                                 discordant, apart, pairs);
    }

    private static bool MeasuredApart(double a, double b, double resolution) =>
        a != b && Math.Abs(a - b) > resolution * Math.Max(Math.Abs(a), Math.Abs(b));
}
