using System.CommandLine;
using System.Globalization;
using Hass.Bench;
using Hass.Bench.Confirmation;
using Hass.Engine.Storage;

// How well each split predicts a design's test-set drop (docs/search.md "Final table"): the finalists of
// finished campaigns (stores of bench/Hass.Bench.Campaigns) re-scored on the search split, the confirmation split and
// the test set. Decides what the confirmed pick compares (confirmation split alone or pooled) and its margin.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var stores = new Option<string[]>("--stores") { Description = "store files of finished campaigns", AllowMultipleArgumentsPerToken = true };
var finalists = new Option<int>("--finalists") { Description = "finalists per campaign (the front of throughput against search accuracy, fastest first)", DefaultValueFactory = _ => 8 };
var fastest = new Option<bool>("--fastest") { Description = "score each campaign's fastest distinct complete trials (up to --finalists of them) instead of the front, feasible or not, and say what the final pick's rule would choose among them" };
var over = new Option<double>("--over") { Description = "with --fastest: how far past the tolerance a trial's search-split drop may be, points", DefaultValueFactory = _ => 0.3 };
var results = new Option<string?>("--results") { Description = "markdown file the table is appended to (with date, command and load)" };
var margins = new Option<string?>("--margins") { Description = "instead of scoring: write every image's margin of the dense network and of each campaign's fastest --finalists trials (search split and the confirmation split's first part) to CSV files in this folder" };
var analyse = new Option<string?>("--analyse") { Description = "instead of scoring: read the --margins CSV files of this folder (<store>-<campaign>.csv) and the test drops of --drops, and print how well each statistic predicts the test drop" };
var drops = new Option<string?>("--drops") { Description = "with --analyse or --additivity: folder of <store>.csv files with columns trial, final6k and test: the trials' drops (points) on the confirmation images after the first part and on the test set, as a --fastest run re-scores them" };
var additivity = new Option<bool>("--additivity") { Description = "instead of scoring: for each per-layer campaign's fastest --finalists trials, compare the search-split drop of all its thresholds together with the sum of each threshold's drop alone" };
var smoothedPick = new Option<bool>("--smoothed-pick") { Description = "instead of scoring: re-score each campaign's fastest --finalists trials (search-split drop within tolerance + --over) on the final pick's confirmation images and the test set, and compare the final pick by the counted drop with a pick by the smoothed drop turned into a counted one by a line fitted over those trials" };
var smoothedFinalists = new Option<bool>("--smoothed-finalists") { Description = "instead of scoring: run the engine's final pick on each campaign's trials as stored and with each trial's search-split drop predicted from its smoothed drop (a line over the campaign's trials), and compare the two picks on the test set" };
var fineTune = new Option<int>("--fine-tune") { Description = "instead of scoring: fine-tune each campaign's fastest --finalists trials (search-split drop within tolerance + --over) for this many steps, keeping their weight zeros, and compare their drops on the final pick's confirmation images and the test set, their activation sparsity and the DSE's throughput for their profile, before and after" };
var learningRate = new Option<double>("--learning-rate") { Description = "with --fine-tune: AdamW's learning rate", DefaultValueFactory = _ => 1e-4 };
var batchSize = new Option<int>("--batch-size") { Description = "with --fine-tune: training images per step", DefaultValueFactory = _ => 128 };
var mirrors = new Option<bool>("--mirrors") { Description = "instead of scoring: re-score each campaign's fastest --finalists trials (search-split drop within tolerance + --over) on the final pick's confirmation images and the test set, each with its horizontal mirror images, and compare the final pick by the images alone with the pick by images and mirrors" };
var root = new RootCommand("Re-scores the finalists of finished campaigns on the search split, the confirmation split and the test set") { stores, finalists, fastest, over, results, margins, analyse, drops, additivity, smoothedPick, smoothedFinalists, mirrors, fineTune, learningRate, batchSize };
root.SetAction(async (parse, ct) =>
{
    async Task<int> Emit(string table)
    {
        var section = ResultsHeading.Of("Hass.Bench.Confirmation", Environment.GetCommandLineArgs().Skip(1)) + table;
        Console.Write(section);
        if (parse.GetValue(results) is { } path) await File.AppendAllTextAsync(path, section, ct);
        return 0;
    }
    if (parse.GetValue(analyse) is { } marginFolder)
    {
        if (parse.GetValue(drops) is not { } dropFolder || !Directory.Exists(dropFolder) || !Directory.Exists(marginFolder))
        {
            Console.Error.WriteLine("error: --analyse needs an existing margins folder and --drops, an existing folder of <store>.csv test drops");
            return 2;
        }
        var inputs = new List<(string, string, IReadOnlyDictionary<int, RescoredDrops>)>();
        foreach (var file in Directory.GetFiles(marginFolder, "*-bench.csv").Order())
        {
            var store = Path.GetFileName(file)[..^"-bench.csv".Length];
            if (RescoredDrops.ReadFor(dropFolder, store) is { } storeDrops) inputs.Add((store[..store.LastIndexOf('-')], file, storeDrops));
        }
        return await Emit(MarginAnalysis.Render(inputs));
    }
    if (parse.GetValue(stores) is not { Length: > 0 } storeFiles) { Console.Error.WriteLine("error: --stores is required (store files of finished campaigns)"); return 2; }
    var missing = storeFiles.FirstOrDefault(s => !File.Exists(s));
    if (missing is not null) { Console.Error.WriteLine($"error: --stores {missing} does not exist; give store files of finished campaigns"); return 2; }
    int count = Math.Max(1, parse.GetValue(finalists));
    if (parse.GetValue(drops) is { } dropsFolder && !Directory.Exists(dropsFolder))
    {
        Console.Error.WriteLine($"error: --drops {dropsFolder} does not exist; give a folder of <store>.csv test drops");
        return 2;
    }
    var rows = new List<FinalistScore>();
    try
    {
        if (parse.GetValue(margins) is { } folder)
        {
            foreach (var store in storeFiles) MarginDump.Write(store, folder, count, parse.GetValue(over), Console.Out, ct);
            return 0;
        }
        if (parse.GetValue(fineTune) is > 0 and var steps)
        {
            var recipe = new FineTuneRecipe(steps, Math.Max(1, parse.GetValue(batchSize)), parse.GetValue(learningRate), Seed: 0);
            var leftOut = new List<string>();
            var tuned = storeFiles.SelectMany(store => FineTuneProbe.Measure(store, count, parse.GetValue(over), recipe, Console.Out, leftOut, ct)).ToList();
            return await Emit(FineTuneProbe.Render(tuned, leftOut, recipe));
        }
        if (parse.GetValue(smoothedFinalists))
        {
            var compared = storeFiles.SelectMany(store => SmoothedFinalists.Compare(store, Console.Out, ct)).ToList();
            var finalistsTable = SmoothedFinalists.Render(compared);
            return await Emit(finalistsTable);
        }
        if (parse.GetValue(mirrors))
        {
            var mirrored = storeFiles.SelectMany(store => MirrorProbe.Score(store, count, parse.GetValue(over), Console.Out, ct)).ToList();
            return await Emit(MirrorProbe.Render(mirrored, limit: 0.7));
        }
        if (parse.GetValue(smoothedPick))
        {
            var candidates = storeFiles.SelectMany(store => SmoothedPick.Score(store, count, parse.GetValue(over), Console.Out, ct)).ToList();
            var pickTable = SmoothedPick.Render(candidates);
            return await Emit(pickTable);
        }
        if (parse.GetValue(additivity))
        {
            var measured = storeFiles.SelectMany(store => Additivity.Measure(store, count, parse.GetValue(over), Console.Out, ct)).ToList();
            var additivityTable = Additivity.Render(measured, parse.GetValue(drops) is { } folderOfDrops ? AdditivityDrops.Read(folderOfDrops) : null);
            return await Emit(additivityTable);
        }
        foreach (var store in storeFiles)
            rows.AddRange(FinalistScoring.Score(store, count, Console.Out, ct, parse.GetValue(fastest), parse.GetValue(over)));
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"error: {e.Message}; score it with the checkpoints it was made with (rebuild this bench after a retrain)");
        return 2;
    }
    catch (StoreException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
    return await Emit(ScoreTable.Render(rows));
});
return await root.Parse(args).InvokeAsync();
