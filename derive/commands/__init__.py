"""The commands' work, one module per command, each with `run(args) -> exit code`. derive.cli loads
only the module of the command it runs (its table `COMMANDS`), so that `derive presets` never
imports SymPy and `derive doc --format json` never imports matplotlib."""
