//! [`Caller`]: who makes a call, as the object model hands it to a method's context: the
//! session, and the extensions it was opened with (for a WebSocket, those of the upgrade
//! request: what middleware found out about the client, such as who it is).

use std::sync::{Arc, LazyLock};

use http::Extensions;

use crate::ids::SessionId;

/// A session as the calls it makes see it.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    session: SessionId,
    /// `None` when there are none, so that a call copies no reference count for them.
    extensions: Option<Arc<Extensions>>,
}

/// What a session opened without extensions has.
static NO_EXTENSIONS: LazyLock<Extensions> = LazyLock::new(Extensions::new);

impl Caller {
    pub(crate) fn new(session: SessionId, extensions: Extensions) -> Self {
        Self {
            session,
            extensions: (!extensions.is_empty()).then(|| Arc::new(extensions)),
        }
    }

    pub(crate) fn session(&self) -> SessionId {
        self.session
    }

    pub(crate) fn extensions(&self) -> &Extensions {
        self.extensions.as_deref().unwrap_or(&NO_EXTENSIONS)
    }
}
