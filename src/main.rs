//! Entry point: parse, dispatch, print one error line, map to the exit code.

use std::io::Write;
use std::process::ExitCode;

use kubectl_sts::cli::Command;
use kubectl_sts::cmd;
use kubectl_sts::error::{self, Error};
use kubectl_sts::output::Style;

fn main() -> ExitCode {
    let cli = match kubectl_sts::cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; clap decides the stream.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                error::ExitCode::Usage as u8
            } else {
                0
            });
        }
    };
    let style = Style::detect(cli.no_color);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Status(args) => cmd::status::run(args, &cli.kube, style, &mut out),
        Command::Plan(args) => cmd::plan::run(args, &cli.kube, style, &mut out),
        Command::Rollout(args) => cmd::rollout::run(args, &cli.kube, style, &mut out),
        Command::ForceRollback(args) => cmd::force_rollback::run(args, &cli.kube, style, &mut out),
        Command::Delete(args) => cmd::delete::run(args, &cli.kube, style, &mut out),
        Command::Resize(args) => cmd::recreate::resize(args, &cli.kube, style, &mut out),
        Command::Recreate(args) => cmd::recreate::recreate(args, &cli.kube, style, &mut out),
        Command::Demo(args) => cmd::demo::run(args, style, &mut out),
        Command::Dashboard(args) => cmd::dashboard::run(args, &cli.kube, style),
        Command::Completion { shell } => out
            .write_all(&kubectl_sts::cli::completion_script(*shell))
            .map_err(kubectl_sts::output::io_error),
        Command::Sim(args) => cmd::sim::run(args, &mut out),
        Command::Gates { command } => cmd::gates::run(command, &mut out),
        Command::Version { output } => cmd::version::run(*output, &mut out),
        Command::Complete { words } => cmd::complete::run(words, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, cli.verbose),
    }
}

fn report(e: &Error, verbose: bool) -> ExitCode {
    // A closed pipe (`| head`) is not a failure.
    if e.message.contains("Broken pipe") {
        return ExitCode::SUCCESS;
    }
    // Messages quote names and values from the cluster or a file: escaped, so they
    // cannot drive the terminal, and the message stays one line.
    use kubectl_sts::output::sanitize;
    eprintln!("error: {}", sanitize(&e.message));
    if let Some(h) = &e.hint {
        for (i, l) in h.lines().enumerate() {
            eprintln!(
                "{}{}",
                if i == 0 { "hint: " } else { "      " },
                sanitize(l)
            );
        }
    }
    match (&e.detail, verbose) {
        (Some(d), true) => {
            let lines: Vec<_> = d.lines().map(sanitize).collect();
            eprintln!("detail: {}", lines.join("\n"));
        }
        (Some(_), false) => eprintln!("(run with -v for details)"),
        _ => {}
    }
    ExitCode::from(e.code as u8)
}
