//! [`RedisConfig`]: where Redis is and how the broker treats it.

use std::time::Duration;

/// How a [`RedisBroker`](crate::RedisBroker) connects and how long it waits. Start from
/// `RedisConfig::new(url)` and change what you need with the `with_*` methods.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RedisConfig {
    /// `redis://[user:password@]host[:port][/db]` (`redis+unix:///path` for a socket).
    pub url: String,
    /// Keeps the keys and channels of one application apart from others on the same
    /// Redis: every key and channel starts with `{namespace}:`. Instances of one
    /// application use the same. Default `webchannel`.
    pub namespace: String,
    /// How long any call waits for Redis before it fails with `TimedOut`, and how long a
    /// published frame stays deliverable: Redis publishes nothing that reaches it later
    /// (say, after it hung), since its sender has been told it failed. Default 1 s.
    pub call_timeout: Duration,
    /// How often the broker checks that Redis answers (and measures Redis's clock). A
    /// check that fails takes the link down. Default 1 s.
    pub heartbeat: Duration,
    /// How long `connect` tries before it gives up. Default 5 s.
    pub connect_timeout: Duration,
    /// The largest frame `publish` takes; larger ones fail with `TooLarge`. Default
    /// 512 KiB.
    pub max_frame_size: usize,
}

impl RedisConfig {
    /// The defaults, for the Redis at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            namespace: "webchannel".to_owned(),
            call_timeout: Duration::from_secs(1),
            heartbeat: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            max_frame_size: 512 << 10,
        }
    }

    /// Sets [`RedisConfig::namespace`].
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Sets [`RedisConfig::call_timeout`].
    pub fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Sets [`RedisConfig::heartbeat`].
    pub fn with_heartbeat(mut self, interval: Duration) -> Self {
        self.heartbeat = interval;
        self
    }

    /// Sets [`RedisConfig::connect_timeout`].
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets [`RedisConfig::max_frame_size`].
    pub fn with_max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }
}
