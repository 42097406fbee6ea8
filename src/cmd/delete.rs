//! `kubectl sts delete NAME`: see `ops::delete`.

use std::io::Write;

use crate::cli::{DeleteArgs, KubeArgs};
use crate::error::Result;
use crate::ops::delete::{self, Options};

pub fn run(args: &DeleteArgs, kube: &KubeArgs, out: &mut dyn Write) -> Result<()> {
    super::runtime()?.block_on(async {
        let (conn, setup) = super::connect(kube, &args.model).await?;
        let opts = Options {
            delete_pvcs: args.delete_pvcs,
            yes: args.yes,
            dry_run: args.dry_run.clone(),
            timeout: args.timeout,
            cascade: args.cascade.clone(),
            force: args.force,
            abort: args.abort,
        };
        let target = crate::ops::Target::new(conn.namespace.clone(), args.name.clone());
        let (mut w, last) = super::LastLine::new(out);
        let op = delete::run(&conn, &target, &setup.profile, &opts, &mut w);
        let resume = format!(
            "run `kubectl sts delete {0} -n {1}` again to go on, or `kubectl sts delete {0} -n {1} --abort` to scale it back",
            target.name, target.namespace
        );
        super::until_interrupted(op, move || last.borrow().clone(), &resume).await
    })
}
