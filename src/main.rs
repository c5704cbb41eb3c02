//! The `upstream` binary: the GUI when run without a subcommand, else the command line.

fn main() -> std::process::ExitCode {
    upstream::cli::main()
}
