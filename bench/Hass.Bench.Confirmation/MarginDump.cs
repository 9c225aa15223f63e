using System.Globalization;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Torch.Evaluation;

namespace Hass.Bench.Confirmation;

/// <summary>
/// Writes, per store, every image's margin (true-class logit minus the largest other) of the dense network and of each
/// campaign's fastest trials on the search split and on the confirmation split's first part: the data for asking whether a
/// smoother statistic of the margins predicts a design's drop on fresh images better than its top-1 drop.
/// </summary>
public static class MarginDump
{
    public static void Write(string path, string outputDirectory, int count, double over, TextWriter progress, CancellationToken ct)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        using var evaluators = new ZooEvaluators();
        Directory.CreateDirectory(outputDirectory);
        foreach (var campaign in store.Campaigns())
        {
            var spec = campaign.Spec;
            using var evaluator = evaluators.For(spec, campaign.EvaluatorFingerprint, path);
            var trials = StoredTrials.Fastest(store.Trials(campaign.Name), over).Take(count).ToList();
            var firstPart = ConfirmationParts.First(IncumbentConfirmation.SearchPartImages(spec, evaluator));
            var file = Path.Combine(outputDirectory, $"{Path.GetFileNameWithoutExtension(path)}-{campaign.Name}.csv");
            using var writer = new StreamWriter(file);
            void Row(string trial, ParameterSet parameters)
            {
                foreach (var split in new[] { "search", firstPart })
                {
                    var margins = evaluator.Pass(parameters, split, new PassOptions { RecordMargins = true }, ct).Margins!;
                    writer.WriteLine($"{trial},{(split == "search" ? "search" : "conf1")}," + string.Join(",", margins.Select(m => m.ToString("G6", CultureInfo.InvariantCulture))));
                }
            }
            Row("dense", evaluator.SearchSpace.Defaults());
            foreach (var trial in trials)
            {
                Row(trial.Number.ToString(CultureInfo.InvariantCulture), trial.Parameters);
                progress.WriteLine($"{file}: trial {trial.Number}");
            }
        }
    }
}
