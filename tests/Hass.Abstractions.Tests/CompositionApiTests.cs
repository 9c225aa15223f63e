using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Abstractions.Tests;

/// <summary>The SDK is no service locator: components get what they need by constructor injection or explicit arguments.</summary>
public class CompositionApiTests
{
    [Fact]
    public void No_public_member_of_the_sdk_takes_or_returns_a_service_provider()
    {
        var leaks = typeof(IHassComponent).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => (Type: t, Member: m)))
            .Where(x => TypesOf(x.Member).Any(type => typeof(IServiceProvider).IsAssignableFrom(type)))
            .Select(x => $"{x.Type.Name}.{x.Member.Name}").ToList();
        Assert.Empty(leaks);
    }

    private static IEnumerable<Type> TypesOf(MemberInfo member) => member switch
    {
        MethodBase m => m.GetParameters().Select(p => p.ParameterType).Append((m as MethodInfo)?.ReturnType ?? typeof(void)),
        PropertyInfo p => [p.PropertyType],
        FieldInfo f => [f.FieldType],
        EventInfo e => [e.EventHandlerType!],
        _ => [],
    };

    private sealed class Counter(string name) : IHassComponent
    {
        public string Name => name;
        public string Description => "test component";
    }

    private sealed class NeedsCounters(IEnumerable<Counter> counters) : IHassComponent
    {
        public string Name => "needs-counters";
        public string Description => "built by the container with every registered Counter";
        public int Seen { get; } = counters.Count();
    }

    [Fact]
    public void A_component_the_container_builds_gets_the_other_components_in_its_constructor()
    {
        using var provider = new ServiceCollection()
            .AddHassComponent<IHassComponent, NeedsCounters>(ComponentKind.Model, "needs-counters", "built by the container")
            .AddHassComponent(ComponentKind.Model, new Counter("one"))
            .AddHassComponent(ComponentKind.Model, new Counter("two"))
            .BuildServiceProvider();
        var built = Assert.IsType<NeedsCounters>(provider.GetRequiredKeyedService<IHassComponent>("needs-counters"));
        Assert.Equal(2, built.Seen);
        Assert.Same(built, provider.GetRequiredService<NeedsCounters>());
        Assert.Equal(["needs-counters", "one", "two"], provider.GetServices<IHassComponent>().Select(c => c.Name));
        Assert.Equal(3, provider.GetServices<ComponentDescriptor>().Count());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHassComponent<IHassComponent, NeedsCounters>(ComponentKind.Model, "Needs Counters", "bad name"));
    }

    private interface IWriter { void Write(string path); }

    private sealed class TextWriterPlugin : IWriter { public void Write(string path) => File.WriteAllText(path, "x"); }

    [Fact]
    public void A_service_without_a_name_of_its_own_is_registered_under_its_name_with_a_descriptor()
    {
        var writer = new TextWriterPlugin();
        using var provider = new ServiceCollection()
            .AddHassComponent<IWriter>(ComponentKind.DesignExporter, "text", "writes x", writer)
            .BuildServiceProvider();
        Assert.Same(writer, provider.GetRequiredKeyedService<IWriter>("text"));
        var descriptor = Assert.Single(provider.GetServices<ComponentDescriptor>());
        Assert.Equal((ComponentKind.DesignExporter, "text", "writes x", typeof(IWriter)), (descriptor.Kind, descriptor.Name, descriptor.Description, descriptor.ServiceType));
        Assert.Empty(provider.GetServices<IHassComponent>());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHassComponent<IWriter>(ComponentKind.DesignExporter, "Text Writer", "bad name", writer));
    }
}
