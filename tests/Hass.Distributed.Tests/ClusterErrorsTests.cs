using Hass.Distributed;
using StackExchange.Redis;

namespace Hass.Distributed.Tests;

/// <summary>The one line each Redis refusal becomes (exit 7): what went wrong, and which variable or permission fixes it.</summary>
public class ClusterErrorsTests
{
    private static ClusterSettings Settings(string? user, string? password) =>
        new() { Address = ClusterAddress.Parse("redis://10.0.0.5:6379"), ClusterId = "hass-c-0", RedisUser = user, RedisPassword = password };

    private static Exception Refused(string reply) =>
        new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect", new RedisServerException(reply));

    [Fact]
    public void A_redis_that_wants_a_login_names_the_password_and_user_variables()
    {
        var e = ClusterErrors.Explain(Refused("NOAUTH Authentication required."), Settings(null, null))!;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 wants a password: set $HASS_CLUSTER_REDIS_PASSWORD to it (its requirepass; with $HASS_CLUSTER_REDIS_USER " +
                     "for an ACL user), here and for every worker", e.Message);
    }

    [Fact]
    public void A_refused_password_or_user_names_its_variables_and_never_the_password()
    {
        var wrongPass = Refused("WRONGPASS invalid username-password pair or user is disabled.");
        var defaultUser = ClusterErrors.Explain(wrongPass, Settings(null, "s3cret"))!.Message;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 refused the password in $HASS_CLUSTER_REDIS_PASSWORD: set it to the Redis's requirepass " +
                     "(or the password of an ACL user named in $HASS_CLUSTER_REDIS_USER)", defaultUser);
        var aclUser = ClusterErrors.Explain(wrongPass, Settings("hass", "s3cret"))!.Message;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 refused the user in $HASS_CLUSTER_REDIS_USER with the password in $HASS_CLUSTER_REDIS_PASSWORD " +
                     "(no such user, user off, or wrong password): set them to an ACL user of that Redis and its password", aclUser);
        Assert.DoesNotContain("s3cret", defaultUser + aclUser);
    }

    [Fact]
    public void A_user_without_the_permissions_is_told_which_keys_and_commands_it_needs()
    {
        var e = ClusterErrors.Explain(Refused("NOPERM this user has no permissions to run the 'hset' command"), Settings("hass", "pw"))!;
        Assert.Equal("the cluster's Redis on 10.0.0.5:6379 does not let the user 'hass' do what the cluster needs (this user has no permissions to run the 'hset' command): " +
                     "give it these keys and commands: ACL SETUSER hass ~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel (or ~* +@all)", e.Message);
        Assert.NotNull(ClusterErrors.RedisFailed(e));
        Assert.Contains("the default user", ClusterErrors.Explain(new RedisServerException("NOPERM No permissions to access a key"), Settings(null, "pw"))!.Message);
    }
}
