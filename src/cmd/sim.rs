//! `kubectl sts sim serve`: the simulated cluster on loopback, with a kubeconfig for
//! kubectl and kubectl sts. Seeded on a virtual clock just behind the wall clock (so the
//! scenario's pods are already Running and Ready), then served on the wall clock.

use std::io::Write;

use jiff::SignedDuration;

use crate::cli::{SimArgs, SimCommand};
use crate::cmd::ModelSetup;
use crate::error::{Error, Result};
use crate::output::io_error;
use crate::sim::kubelet::KubeletConfig;
use crate::sim::scenario::Scenario;
use crate::sim::server::{Server, default_kubeconfig_path};
use crate::sim::{Clock, Config, Faults};

pub fn run(args: &SimArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        SimCommand::Serve(serve) => {
            let setup = ModelSetup::from_args(&serve.model)?;
            let scenario = Scenario::load(&serve.scenario).map_err(Error::input)?;
            let codes = serve
                .fault_codes
                .split(',')
                .filter(|c| !c.trim().is_empty())
                .map(|c| {
                    c.trim().parse::<u16>().map_err(|_| {
                        Error::input(format!("--fault-codes: {c:?} is not an HTTP status code"))
                    })
                })
                .collect::<Result<Vec<u16>>>()?;
            if !(0.0..=1.0).contains(&serve.fault_rate) {
                return Err(Error::input("--fault-rate must be between 0 and 1"));
            }
            let config = Config {
                clock: Clock::Virtual,
                profile: setup.profile,
                kubelet: KubeletConfig {
                    ready_after: SignedDuration::try_from(serve.ready_after)
                        .unwrap_or(SignedDuration::from_secs(1)),
                    max_grace: SignedDuration::try_from(serve.max_grace)
                        .unwrap_or(SignedDuration::from_secs(1)),
                    ..KubeletConfig::default()
                },
                faults: Faults {
                    error_rate: serve.fault_rate,
                    codes,
                    drop_watch_after: serve.drop_watch_after,
                    latency: serve.latency,
                    seed: serve.seed,
                    conflicts: 0,
                    unreachable: false,
                    forbidden: serve.forbid.clone(),
                },
                controller_delay: serve.controller_delay,
                ..Config::default()
            };
            let cluster = scenario.on_wall_clock(config).map_err(Error::failed)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| Error::failed(format!("cannot start the async runtime: {e}")))?;
            runtime.block_on(async {
                let server = Server::start(cluster, serve.port).await.map_err(|e| {
                    Error::failed(format!("cannot listen on 127.0.0.1:{}: {e}", serve.port))
                })?;
                let path = serve
                    .kubeconfig
                    .clone()
                    .unwrap_or_else(|| default_kubeconfig_path(server.addr.port()));
                server.write_kubeconfig(&path).map_err(|e| {
                    Error::failed(format!(
                        "cannot write the kubeconfig {}: {e}",
                        path.display()
                    ))
                })?;
                writeln!(out, "kubeconfig: {}", path.display()).map_err(io_error)?;
                out.flush().map_err(io_error)?;
                // Informational, and on stderr: whoever reads the kubeconfig line may close
                // stdout, and the server must keep serving.
                eprintln!(
                    "serving scenario {:?} on {} (Ctrl-C to stop)",
                    scenario.metadata.name,
                    server.url()
                );
                tokio::signal::ctrl_c()
                    .await
                    .map_err(|e| Error::failed(format!("waiting for Ctrl-C: {e}")))?;
                Ok(())
            })
        }
    }
}
