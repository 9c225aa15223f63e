namespace Hass.Engine.Plugins;

/// <summary>
/// A loaded component (backend, strategy) broke its contract: it threw, or returned what the engine cannot use. The message
/// is one line naming the component, its plugin and what it did, and says what to do; the component's own exception, if
/// any, is the inner exception (`hass` prints it with HASS_DEBUG=1). A trial it happens in fails with this message; `hass` exits 1.
/// </summary>
public sealed class PluginFaultException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>"backend 'x' (plugin P)": how messages name a component.</summary>
    public static string Describe(string kind, string name, string plugin) =>
        plugin.Length == 0 ? $"{kind} '{name}'" : $"{kind} '{name}' (plugin {plugin})";

    /// <summary><paramref name="component"/> did <paramref name="wrong"/>; the message ends with what the user can do.</summary>
    public static PluginFaultException Of(string component, string wrong, Exception? inner = null) =>
        new($"{component} {wrong}; a bug of the plugin: fix or update it, or use another (hass plugins lists them)", inner);

    /// <summary>
    /// Runs <paramref name="body"/>, the component's <paramref name="call"/>: an exception it throws becomes a fault naming
    /// the component, except those <paramref name="passesThrough"/> lets through as they are. With <paramref name="argumentsAreRefusals"/>
    /// an ArgumentException is the contract's way to refuse its input, and the fault says so (<see cref="Refused"/>).
    /// </summary>
    public static T Guard<T>(string component, string call, Func<T> body, Func<Exception, bool> passesThrough, bool argumentsAreRefusals = false)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (!passesThrough(e))
        {
            throw argumentsAreRefusals && e is ArgumentException refusal ? Refused(component, call, refusal) : Threw(component, call, e);
        }
    }

    /// <summary><see cref="Guard{T}"/> for a call that returns nothing.</summary>
    public static void Guard(string component, string call, Action body, Func<Exception, bool> passesThrough) =>
        Guard(component, call, () => { body(); return true; }, passesThrough);

    /// <summary>The component threw <paramref name="e"/> from <paramref name="call"/>.</summary>
    public static PluginFaultException Threw(string component, string call, Exception e) =>
        Of(component, $"threw {e.GetType().Name} in {call}: {FirstLine(e.Message).TrimEnd('.')}", e);

    /// <summary>The component refused the input of <paramref name="call"/>: its message says what to change, so it is no bug.</summary>
    public static PluginFaultException Refused(string component, string call, ArgumentException e) =>
        new($"{component} refused its input in {call}: {FirstLine(e.Message)}", e);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');
}
