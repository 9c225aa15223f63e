using System.IO.Pipes;
using Hass.Testing;

namespace Hass.Abstractions.Tests;

/// <summary>A symbolic link to an input file reads as that file; a link to nothing, or to a pipe, is refused saying so.</summary>
public class LinkedInputFileTests
{
    private static string Folder(out string file)
    {
        var dir = TestFolders.Create();
        file = Path.Combine(dir, "real.json");
        File.WriteAllText(file, "{ \"name\": \"x\" }");
        return dir;
    }

    [Fact]
    public void A_link_and_a_chain_of_links_read_as_their_target()
    {
        var dir = Folder(out var file);
        var link = Path.Combine(dir, "link.json");
        var chain = Path.Combine(dir, "chain.json");
        File.CreateSymbolicLink(link, "real.json");
        File.CreateSymbolicLink(chain, link);
        Assert.Equal(File.ReadAllText(file), HassJson.ReadText(link));
        Assert.Equal(File.ReadAllText(file), HassJson.ReadText(chain));
        var target = PathTarget.Of(chain);
        Assert.Equal((PathKind.File, file, new FileInfo(file).Length), (target.Kind, target.FinalPath, target.Length));
    }

    [Fact]
    public void A_link_to_nothing_names_the_link_and_its_target()
    {
        var dir = TestFolders.Create();
        var link = Path.Combine(dir, "link.json");
        File.CreateSymbolicLink(link, "gone.json");
        var e = Assert.Throws<InputFileException>(() => HassJson.ReadText(link));
        Assert.Equal($"{link}: is a symbolic link to gone.json, which leads to no file; fix or remove the link", e.Message);
    }

    [Fact]
    public void A_loop_of_links_leads_to_no_file()
    {
        var dir = TestFolders.Create();
        File.CreateSymbolicLink(Path.Combine(dir, "a.json"), "b.json");
        File.CreateSymbolicLink(Path.Combine(dir, "b.json"), "a.json");
        Assert.Equal(PathKind.LinkToNothing, PathTarget.Of(Path.Combine(dir, "a.json")).Kind);
    }

    [Fact]
    public void A_link_to_a_folder_or_a_device_is_refused_as_what_it_leads_to()
    {
        var dir = Folder(out _);
        File.CreateSymbolicLink(Path.Combine(dir, "folder.json"), dir);
        File.CreateSymbolicLink(Path.Combine(dir, "zero.json"), "/dev/zero");
        Assert.Contains("is a folder", Assert.Throws<InputFileException>(() => HassJson.ReadText(Path.Combine(dir, "folder.json"))).Message);
        Assert.Contains("is empty or not a regular file", Assert.Throws<InputFileException>(() => HassJson.ReadText(Path.Combine(dir, "zero.json"))).Message);
    }

    [Fact]
    public void A_pipe_behind_a_proc_link_is_not_a_regular_file()
    {
        // Like /dev/stdin fed by a pipe: /proc/self/fd/N is a link to "pipe:[…]", a name of no path.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var link = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        Assert.StartsWith("pipe:", new FileInfo(link).LinkTarget);
        Assert.Equal((PathKind.File, 0L), (PathTarget.Of(link).Kind, PathTarget.Of(link).Length));
        Assert.Contains("is empty or not a regular file", Assert.Throws<InputFileException>(() => HassJson.ReadText(link)).Message);
    }
}
