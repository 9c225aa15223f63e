using System.Globalization;
using Hass.Abstractions;
using Hass.Cli;
using Hass.Engine.Storage;

namespace Hass.IntegrationTests;

/// <summary>
/// Distributed campaigns with real processes: an owner (`hass run --cluster …`) and `hass worker`s on loopback,
/// with a real redis-server as the membership table, against the synthetic test plugin.
/// </summary>
public class DistributedCampaignTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);
    private static readonly Dictionary<string, string> Secret = new() { ["HASS_CLUSTER_SECRET"] = "integration-secret" };

    internal static string Campaign(string dir, int delayMs, int trials, string name, string? checkpoint = null)
    {
        var path = Path.Combine(dir, name + ".json");
        var text = File.ReadAllText(HassProcess.SyntheticCampaign)
            .Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}")
            .Replace("\"trials\": 20", $"\"trials\": {trials}")
            .Replace("\"name\": \"synthetic\"", $"\"name\": \"{name}\"");
        if (checkpoint is not null) text = text.Replace("\"model\": \"synthetic-cnn\",", $"\"model\": \"synthetic-cnn\", \"checkpoint\": \"{checkpoint}\",");
        File.WriteAllText(path, text);
        return path;
    }

    internal static string[] Ports(int silo, int gateway) =>
        ["--silo-port", silo.ToString(CultureInfo.InvariantCulture), "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture)];

    /// <summary>What a trial found (no timings, no cache flags): two runs of one search must agree on it.</summary>
    internal static string Outcome(TrialRecord t) => HassJson.Serialize(new
    {
        t.Number, t.Parameters, t.State, t.Accuracy, t.AccuracyImages, t.Feasible, t.ConstraintViolation, t.ObjectiveValues, t.PredictedThroughput,
        t.EffectiveSparsity, t.WeightSparsity, t.ActivationSparsity, t.LayerSparsity, Design = t.Design is null ? null : HassJson.Serialize(t.Design),
    });

    private static List<string> Outcomes(string store, string campaign)
    {
        using var s = HassStore.Open(store);
        return s.Trials(campaign).Where(t => t.State != TrialState.Abandoned).OrderBy(t => t.Number).Select(Outcome).ToList();
    }

    [Fact]
    public void The_worker_command_the_owner_prints_joins_its_cluster_with_its_overrides_and_plugins()
    {
        var dir = HassProcess.TempDir();
        var campaign = Campaign(dir, delayMs: 20, trials: 6, "hinted");
        var ports = RedisServer.FreePorts(2);
        using var owner = HassProcess.StartWith(dir, Secret,
            ["run", campaign, "--cluster", "local", "--name", "hinted-8", "--seed", "8", .. Ports(ports[0], ports[1]), .. HassProcess.Common(Path.Combine(dir, "hass.db"))]);
        var hint = owner.WaitForOutput(new System.Text.RegularExpressions.Regex("start them with:\\s*\\n  hass (worker [^\\n]*)\\n"), Long);
        Assert.True(hint.Success, owner.Out + owner.Err);
        var args = hint.Groups[1].Value.Trim().Split(' ');
        Assert.Contains("--seed", args);
        Assert.Contains(HassProcess.SyntheticPlugin, args);

        using var worker = HassProcess.StartWith(dir, Secret, args);
        Assert.True(owner.WaitForExit(Long) == 0, owner.Out + owner.Err + worker.Out + worker.Err);
        Assert.Contains("6 in the store", owner.Out);
        worker.Signal("TERM");
        worker.WaitForExit(Long);
    }

    [Fact]
    public void Owner_and_two_workers_on_redis_store_the_trials_of_a_one_process_run()
    {
        using var redis = RedisServer.Start();
        var dir = HassProcess.TempDir();
        var campaign = Campaign(dir, delayMs: 20, trials: 16, "dist");
        string[] parallel = ["--parallelism", "2"];

        var one = HassProcess.RunIn(dir, Long, ["run", campaign, .. parallel, .. HassProcess.Common(Path.Combine(dir, "one.db"))]);
        Assert.True(one.ExitCode == 0, one.Out + one.Err);

        var ports = RedisServer.FreePorts(2);
        string[] cluster = ["--cluster", redis.Url];
        using var worker1 = HassProcess.StartWith(dir, Secret, ["worker", campaign, .. cluster, .. HassProcess.Common(Path.Combine(dir, "w.db"))]);
        using var worker2 = HassProcess.StartWith(dir, Secret, ["worker", campaign, .. cluster, .. HassProcess.Common(Path.Combine(dir, "w.db"))]);
        using var owner = HassProcess.StartWith(dir, Secret, ["run", campaign, .. parallel, .. cluster, .. Ports(ports[0], ports[1]), .. HassProcess.Common(Path.Combine(dir, "dist.db"))]);
        var code = owner.WaitForExit(Long);
        output.WriteLine(owner.Out + owner.Err + "\n--- worker 1\n" + worker1.Out + worker1.Err + "\n--- worker 2\n" + worker2.Out + worker2.Err);
        Assert.True(code == 0, owner.Out + owner.Err);
        Assert.Contains("joined", owner.Out);
        Assert.False(File.Exists(Path.Combine(dir, "w.db")), "a worker must not open a store");

        var expected = Outcomes(Path.Combine(dir, "one.db"), "dist");
        Assert.Equal(16, expected.Count);
        Assert.Equal(expected, Outcomes(Path.Combine(dir, "dist.db"), "dist"));
    }

    /// <summary>
    /// A Redis that requires a password: without it, or with a wrong one, the owner and a worker stop at once with one
    /// line saying so (exit 7, nothing written); with $HASS_CLUSTER_REDIS_PASSWORD the campaign runs through it.
    /// </summary>
    [Fact]
    public void A_redis_with_a_password_is_used_with_the_password_variable_and_refused_without_it()
    {
        using var redis = RedisServer.Start(password: "lab-redis-password");
        var dir = HassProcess.TempDir();
        var campaign = Campaign(dir, delayMs: 20, trials: 4, "auth");
        var ports = RedisServer.FreePorts(2);
        string[] cluster = ["--cluster", redis.Url];
        var store = Path.Combine(dir, "auth.db");
        var withPassword = new Dictionary<string, string>(Secret) { ["HASS_CLUSTER_REDIS_PASSWORD"] = "lab-redis-password" };
        var wrongPassword = new Dictionary<string, string>(Secret) { ["HASS_CLUSTER_REDIS_PASSWORD"] = "guessed" };

        var noPassword = HassProcess.RunWith(dir, Secret, Long, ["run", campaign, .. cluster, .. Ports(ports[0], ports[1]), .. HassProcess.Common(store)]);
        Assert.Equal((ExitCodes.ClusterError, $"error: the cluster's Redis on 127.0.0.1:{redis.Port} wants a password: set $HASS_CLUSTER_REDIS_PASSWORD to it (its requirepass; with $HASS_CLUSTER_REDIS_USER for an ACL user), here and for every worker"),
            (noPassword.ExitCode, noPassword.Err.Trim()));
        var wrong = HassProcess.RunWith(dir, wrongPassword, Long, ["worker", campaign, .. cluster, .. HassProcess.Common(store)]);
        Assert.Equal((ExitCodes.ClusterError, $"error: the cluster's Redis on 127.0.0.1:{redis.Port} refused the password in $HASS_CLUSTER_REDIS_PASSWORD: set it to the Redis's requirepass (or the password of an ACL user named in $HASS_CLUSTER_REDIS_USER)"),
            (wrong.ExitCode, wrong.Err.Trim()));
        Assert.False(File.Exists(store));

        using var worker = HassProcess.StartWith(dir, withPassword, ["worker", campaign, .. cluster, .. HassProcess.Common(store)]);
        var owner = HassProcess.RunWith(dir, withPassword, Long, ["run", campaign, "--parallelism", "2", .. cluster, .. Ports(ports[0], ports[1]), .. HassProcess.Common(store)]);
        Assert.True(owner.ExitCode == 0, owner.Out + owner.Err + "\n--- worker\n" + worker.Out + worker.Err);
        Assert.Contains("4 in the store", owner.Out);
        worker.Signal("TERM");
        worker.WaitForExit(Long);
    }

    /// <summary>
    /// Refusals (another checkpoint, a wrong secret) while the campaign goes on with the good worker; `hass workers`
    /// shows it (and refuses a wrong secret); SIGTERM stops the owner and the worker with exit 130.
    /// </summary>
    [Fact]
    public void Workers_with_another_checkpoint_or_a_wrong_secret_are_refused_and_the_campaign_goes_on()
    {
        var dir = HassProcess.TempDir();
        var elsewhere = HassProcess.TempDir();
        File.WriteAllText(Path.Combine(dir, "model.ckpt"), "the owner's weights");
        File.WriteAllText(Path.Combine(elsewhere, "model.ckpt"), "other weights");
        var campaign = Campaign(dir, delayMs: 100, trials: 300, "refuse", checkpoint: "model.ckpt");
        var ports = RedisServer.FreePorts(2);
        string[] cluster = ["--cluster", "local", "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture)];
        string[] common = HassProcess.Common(Path.Combine(dir, "w.db"));
        var wrongSecret = new Dictionary<string, string> { ["HASS_CLUSTER_SECRET"] = "guessed" };

        using var good = HassProcess.StartWith(dir, Secret, ["worker", campaign, .. cluster, .. common]);
        using var otherCheckpoint = HassProcess.StartWith(elsewhere, Secret, ["worker", campaign, .. cluster, .. common]);
        using var stranger = HassProcess.StartWith(dir, wrongSecret, ["worker", campaign, .. cluster, .. common]);
        using var owner = HassProcess.StartWith(dir, Secret, ["run", campaign, "--cluster", "local", .. Ports(ports[0], ports[1]), .. HassProcess.Common(Path.Combine(dir, "hass.db"))]);

        Assert.Equal(7, otherCheckpoint.WaitForExit(Long));
        Assert.Contains("error: the owner refused this worker: its evaluator differs from the owner's (checkpoint: owner ", otherCheckpoint.Err);
        Assert.Equal(7, stranger.WaitForExit(Long));
        Assert.Contains("error: the owner refused this worker: wrong cluster secret", stranger.Err);
        Assert.True(owner.WaitForOutput("trial 3/300", Long), owner.Out + owner.Err);

        var workers = HassProcess.RunWith(dir, Secret, Long, ["workers", campaign, .. cluster, .. common]);
        Assert.True(workers.ExitCode == 0, workers.Out + workers.Err);
        Assert.Contains("1 worker(s)", workers.Out);
        var query = HassProcess.RunWith(dir, wrongSecret, Long, ["workers", campaign, .. cluster, .. common]);
        Assert.Equal(7, query.ExitCode);
        Assert.Contains("wrong cluster secret", query.Err);

        owner.Signal("TERM");
        Assert.Equal(130, owner.WaitForExit(Long));
        good.Signal("TERM");
        Assert.Equal(130, good.WaitForExit(Long));
        output.WriteLine(owner.Out + owner.Err);
        Assert.Contains("its evaluator differs from the owner's (checkpoint", owner.Err);
        Assert.Contains("does not know the cluster secret", owner.Err);
        using var s = HassStore.Open(Path.Combine(dir, "hass.db"));
        var trials = s.Trials("refuse");
        Assert.True(trials.Count(t => t.State == TrialState.Complete) >= 3);
        Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
    }

    private static string Certificate(string dir, string name)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var path = Path.Combine(dir, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        return path;
    }

    /// <summary>With --tls-certificate every connection is TLS; a worker holding another certificate never gets in.</summary>
    [Fact]
    public void With_a_cluster_certificate_only_workers_holding_it_join()
    {
        var dir = HassProcess.TempDir();
        var campaign = Campaign(dir, delayMs: 20, trials: 8, "tls");
        var cluster = Certificate(dir, "cluster");
        var other = Certificate(dir, "other");
        var ports = RedisServer.FreePorts(2);
        string[] local = ["--cluster", "local", "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture)];
        string[] common = HassProcess.Common(Path.Combine(dir, "w.db"));

        using var stranger = HassProcess.StartWith(dir, Secret, ["worker", campaign, .. local, "--tls-certificate", other, .. common]);
        using var worker = HassProcess.StartWith(dir, Secret, ["worker", campaign, .. local, "--tls-certificate", cluster, .. common]);
        var owner = HassProcess.RunWith(dir, Secret, Long, ["run", campaign, "--cluster", "local", "--tls-certificate", cluster, .. Ports(ports[0], ports[1]),
            .. HassProcess.Common(Path.Combine(dir, "hass.db"))]);
        Assert.True(owner.ExitCode == 0, owner.Out + owner.Err);
        Assert.Contains("joined (1 worker(s))", owner.Out);
        Assert.DoesNotContain("2 worker(s)", owner.Out);
        Assert.Contains("joined; waiting for trials", worker.Out);
        Assert.DoesNotContain("joined", stranger.Out);
    }
}
