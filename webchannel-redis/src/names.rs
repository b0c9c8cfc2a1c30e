//! [`Names`]: the Redis keys and channels of one namespace. Every one starts with
//! `{namespace}:`; the braces make the namespace Redis Cluster's hash tag, so the keys a
//! script touches share a slot.

/// Builds the keys and channels of one namespace.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    prefix: String,
}

/// The keys of one claim set, in the order the scripts take them, and its channel.
#[derive(Debug, Clone)]
pub(crate) struct SetKeys {
    pub(crate) keys: [String; 4],
    pub(crate) changes: String,
}

impl Names {
    pub(crate) fn new(namespace: &str) -> Self {
        Self {
            prefix: format!("{{{namespace}}}:"),
        }
    }

    /// The channel a broker topic travels on.
    pub(crate) fn topic(&self, topic: &str) -> String {
        format!("{}topic:{topic}", self.prefix)
    }

    /// The keys and the channel of the claim set `set`.
    pub(crate) fn set(&self, set: &str) -> SetKeys {
        let key = |what: &str| format!("{}claims:{set}:{what}", self.prefix);
        SetKeys {
            keys: [key("owners"), key("tokens"), key("nodes"), key("version")],
            changes: key("changes"),
        }
    }
}
