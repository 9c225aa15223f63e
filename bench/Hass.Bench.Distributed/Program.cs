using System.CommandLine;
using Hass.Bench.Distributed;

// Trials per minute of a distributed campaign: one owner (`hass run --cluster local`) and N `hass worker`
// processes (HASS_TORCH_THREADS=1 each), against the same campaign run in one process. With --noop the campaign is
// the synthetic test plugin's with no evaluation delay, so the rate is the owner's (and the cluster's) ceiling.
// Real processes, fresh stores; the rate is the main campaign's trials over the span from its first trial's start
// to its last trial's end. Not a test: run on demand.
var hass = new Option<string>("--hass") { Description = "hass.dll of a build", DefaultValueFactory = _ => "src/Hass.Cli/bin/Release/net10.0/hass.dll" };
var campaign = new Option<string>("--campaign") { Description = "Campaign file (ignored with --noop)", DefaultValueFactory = _ => "examples/fmnist-hass.json" };
var trials = new Option<int>("--trials") { Description = "Trial budget of each run", DefaultValueFactory = _ => 40 };
var workers = new Option<int[]>("--workers") { Description = "Worker counts to compare (0 = in one process)", DefaultValueFactory = _ => [0, 1, 2], AllowMultipleArgumentsPerToken = true };
var noop = new Option<bool>("--noop") { Description = "The synthetic no-op evaluator (artifacts/testplugins, fixture boards): the owner's ceiling" };
var cluster = new Option<string>("--cluster") { Description = "local, or redis://host:port of a running redis-server", DefaultValueFactory = _ => "local" };
var work = new Option<string>("--work") { Description = "Folder for the stores and logs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "hass-bench-distributed") };
var root = new RootCommand("Trials per minute with 1..N worker processes, and the owner's ceiling with a no-op evaluator");
foreach (var o in new Option[] { hass, campaign, trials, workers, noop, cluster, work }) root.Options.Add(o);
root.SetAction(parse =>
{
    var bench = new DistributedBench(Path.GetFullPath(parse.GetValue(hass)!), parse.GetValue(noop) ? null : Path.GetFullPath(parse.GetValue(campaign)!),
        parse.GetValue(trials), parse.GetValue(cluster)!, parse.GetValue(work)!);
    return bench.Run(parse.GetValue(workers)!);
});
return await root.Parse(args).InvokeAsync();
