//! `Gates`: named gates that `async fn` calls wait at until the suite opens them, so tests
//! of concurrency decide the order in which calls finish instead of racing timers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Semaphore;

/// A call waits at most this long; a test that never opens its gate still ends.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Gates by name, shared by the objects that wait at them and the one that opens them.
#[derive(Default)]
pub(crate) struct Gates {
    gates: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Gates {
    fn gate(&self, name: &str) -> Arc<Semaphore> {
        let mut gates = self.gates.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            gates
                .entry(name.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(0))),
        )
    }

    /// Waits until `name` is opened (an opening made earlier counts); each opening lets
    /// one waiter through.
    pub(crate) async fn pass(&self, name: &str) -> Result<(), String> {
        let gate = self.gate(name);
        match tokio::time::timeout(LONGEST_WAIT, gate.acquire()).await {
            Ok(Ok(permit)) => {
                permit.forget();
                Ok(())
            }
            Ok(Err(_)) => Err(format!("gate {name:?} was closed")),
            Err(_) => Err(format!(
                "gate {name:?} was not opened within {LONGEST_WAIT:?}"
            )),
        }
    }

    /// Lets one waiter at `name` through, now or when it comes.
    pub(crate) fn open(&self, name: &str) {
        self.gate(name).add_permits(1);
    }
}
