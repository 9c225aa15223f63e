using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>Bad cluster settings of `hass run --cluster …` and `hass worker` (docs/distributed.md).</summary>
public class ClusterBadInputTests(ITestOutputHelper output)
{
    private static string Campaign => HassProcess.SyntheticCampaign;
    private static string NoRedis => $"redis://127.0.0.1:{RedisServer.FreePort()}";

    public static TheoryData<BadInputCase> Cases => new()
    {
        new("cluster address that is no cluster", ["run", Campaign, "--cluster", "redis:/nowhere"], ExitCodes.InvalidInput, ["redis:/nowhere", "redis://host:port"]),
        new("cluster address of another scheme", ["worker", Campaign, "--cluster", "http://127.0.0.1:6379"], ExitCodes.InvalidInput, ["not a cluster address"]),
        new("unreachable redis (owner)", ["run", Campaign, "--cluster", NoRedis], ExitCodes.ClusterError, ["cannot reach the cluster's Redis", "redis-server"]) { MayWrite = ["hass.db"] },
        new("unreachable redis (worker)", ["worker", Campaign, "--cluster", NoRedis], ExitCodes.ClusterError, ["cannot reach the cluster's Redis"]),
        new("workers of an owner that is not running", ["workers", Campaign, "--cluster", "local", "--gateway-port", $"{RedisServer.FreePort()}"], ExitCodes.ClusterError,
            ["no owner of cluster", "hass run"]),
        new("workers without a cluster", ["workers", Campaign], ExitCodes.InvalidInput, ["needs the owner's cluster"]),
        new("worker without a cluster", ["worker", Campaign], ExitCodes.InvalidInput, ["needs a cluster", "--cluster local"]),
        new("local cluster on a non-loopback address", ["run", Campaign, "--cluster", "local", "--listen", "10.1.2.3"], ExitCodes.InvalidInput, ["--listen", "loopback"]),
        new("listen address that is no address", ["run", Campaign, "--cluster", "local", "--listen", "example"], ExitCodes.InvalidInput, ["--listen 'example'", "IP address"]),
        new("redis user without a password", ["workers", Campaign, "--cluster", "redis://127.0.0.1:6379"], ExitCodes.InvalidInput,
            ["$HASS_CLUSTER_REDIS_USER is set but $HASS_CLUSTER_REDIS_PASSWORD is not"]) { Environment = new Dictionary<string, string> { ["HASS_CLUSTER_REDIS_USER"] = "hass" } },
        new("redis user and password in the address", ["worker", Campaign, "--cluster", "redis://hass:lab-pw@127.0.0.1:6379"], ExitCodes.InvalidInput,
            ["$HASS_CLUSTER_REDIS_USER", "$HASS_CLUSTER_REDIS_PASSWORD", "use redis://127.0.0.1:6379"]),
        new("redis user in an address without the scheme", ["run", Campaign, "--cluster", "hass@127.0.0.1:6379"], ExitCodes.InvalidInput,
            ["$HASS_CLUSTER_REDIS_USER", "not in the address"]),
        new("beyond loopback without a secret", ["run", Campaign, "--cluster", "redis://127.0.0.1:6379", "--listen", "0.0.0.0"], ExitCodes.InvalidInput, ["secret", "HASS_CLUSTER_SECRET"]),
        new("missing TLS certificate", ["run", Campaign, "--cluster", "local", "--tls-certificate", "{dir}/nope.pfx"], ExitCodes.InvalidInput, ["--tls-certificate", "PKCS#12"]),
        new("TLS certificate that is no certificate", ["worker", Campaign, "--cluster", "local", "--tls-certificate", "{dir}/cluster.pfx"], ExitCodes.InvalidInput,
            ["cannot be read as a PKCS#12 certificate"]) { Setup = dir => File.WriteAllText(Path.Combine(dir, "cluster.pfx"), "not a certificate") },
        new("missing secret file", ["worker", Campaign, "--cluster", "local", "--secret-file", "{dir}/nope.secret"], ExitCodes.InvalidInput, ["--secret-file", "nope.secret"]),
        // A pipe or a device is refused before it is read: reading one would block for ever or fill the memory.
        new("secret file that is a pipe", ["worker", Campaign, "--cluster", "local", "--secret-file", "{dir}-secret.fifo"], ExitCodes.InvalidInput,
            ["--secret-file", "is empty or not a regular file"]) { Setup = dir => BadInputRunner.MakeFifo(dir + "-secret.fifo") },
        new("secret file that is a device", ["run", Campaign, "--cluster", "local", "--secret-file", "/dev/zero"], ExitCodes.InvalidInput,
            ["--secret-file /dev/zero", "not a regular file"]),
        new("TLS certificate that is a pipe", ["workers", Campaign, "--cluster", "local", "--tls-certificate", "{dir}-cluster.fifo"], ExitCodes.InvalidInput,
            ["--tls-certificate", "is empty or not a regular file", "PKCS#12"]) { Setup = dir => BadInputRunner.MakeFifo(dir + "-cluster.fifo") },
        new("trial timeout of zero", ["run", Campaign, "--cluster", "local", "--trial-timeout", "0"], ExitCodes.InvalidInput, ["--trial-timeout", "at least 1 second"]),
        new("redis grace on a local cluster", ["run", Campaign, "--cluster", "local", "--redis-grace", "1m"], ExitCodes.InvalidInput,
            ["--redis-grace", "a local cluster has no Redis", "redis://host:port"]),
        new("redis grace shorter than a check", ["worker", Campaign, "--cluster", "redis://127.0.0.1:6379", "--redis-grace", "2s"], ExitCodes.InvalidInput,
            ["--redis-grace: 2 s is shorter than the 5 s between two checks of the Redis; give at least 5s"]),
        new("redis grace not a duration", ["run", Campaign, "--cluster", "redis://127.0.0.1:6379", "--redis-grace", "soon"], ExitCodes.InvalidInput,
            ["--redis-grace: 'soon' is not a duration"]),
        new("gateway port out of range", ["worker", Campaign, "--cluster", "local", "--gateway-port", "70000"], ExitCodes.InvalidInput, ["--gateway-port", "65535"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
