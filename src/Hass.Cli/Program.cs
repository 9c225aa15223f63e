return await Hass.Cli.CliApp.RunAsync(args);
