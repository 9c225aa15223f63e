using PuppeteerSharp;

namespace Hass.Dashboard.Tests;

/// <summary>Debian's headless Chromium driven by PuppeteerSharp, with a fresh profile each time.</summary>
public static class Browser
{
    public const string Chromium = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        UserDataDir = HassProcess.TempDir(),
        Args =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
        Timeout = 60_000,
    });

    public static async Task<IPage> OpenAsync(IBrowser browser, Uri url)
    {
        var page = await browser.NewPageAsync();
        page.DefaultTimeout = 60_000;
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1100 });
        await page.GoToAsync(url.ToString());
        return page;
    }

    /// <summary>
    /// Writes the page's screenshot under the test output (screenshots/NAME.png); with HASS_UPDATE_SCREENSHOTS=1
    /// also to docs/img/dashboard-NAME.png, the pictures docs/dashboard.md shows.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to show a page");
        if (Environment.GetEnvironmentVariable("HASS_UPDATE_SCREENSHOTS") == "1")
            File.Copy(path, Path.Combine(HassProcess.RepoRoot, "docs", "img", $"dashboard-{name}.png"), overwrite: true);
        return path;
    }
}
