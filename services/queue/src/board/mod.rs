//! The live board: events committed on this replica (and, with Redis, on every
//! replica) delivered in sequence order to the screens watching a centre.
//!
//! One hub task per process orders events per centre and fills any gap from the
//! database, so every receiver sees a strictly increasing, gap-free sequence. A
//! periodic catch-up from the database covers events whose fan-out message was lost.

mod redis_fanout;
pub mod stream;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onestop_proto::queue::v1 as pb;
use tokio::sync::{broadcast, mpsc};

use crate::grpc::convert::board_event_to_pb;
use crate::store::Store;
use crate::store::read;
use crate::store::rows::BoardEventRow;

/// How the board fans out.
#[derive(Debug, Clone)]
pub struct BoardOptions {
    /// Redis URL; when set, events go through Redis pub/sub to every replica.
    pub redis_url: Option<String>,
    /// Names this deployment's channels on a shared Redis (replicas of one
    /// deployment must agree; two deployments must differ).
    pub namespace: String,
    /// How often the hub checks the database for events it did not receive.
    pub catch_up_every: Duration,
    /// Most screens watching one centre at once on this replica.
    pub max_watchers_per_center: usize,
    /// Most screens watching any centre at once on this replica.
    pub max_watchers: usize,
}

impl Default for BoardOptions {
    fn default() -> Self {
        Self {
            redis_url: None,
            namespace: "onestop".into(),
            catch_up_every: Duration::from_secs(1),
            max_watchers_per_center: MAX_WATCHERS_PER_CENTER,
            max_watchers: MAX_WATCHERS,
        }
    }
}

/// What the hub task receives.
#[derive(Debug)]
pub(crate) enum HubInput {
    /// Events committed here or heard from another replica.
    Events(Vec<pb::BoardEvent>),
    /// A screen of `center` has everything up to `seq` and now reads the live feed.
    Watching {
        /// The centre.
        center: String,
        /// The last sequence the screen has.
        seq: i64,
    },
}

/// Events buffered per centre for slow screens before they must re-read the database
/// (a slow screen then catches up from the database, so this need not be large).
const CHANNEL_CAPACITY: usize = 256;
/// Most screens watching one centre at once on this replica, by default.
pub const MAX_WATCHERS_PER_CENTER: usize = 500;
/// Most screens watching any centre at once on this replica, by default.
pub const MAX_WATCHERS: usize = 5000;

type Channels = Arc<Mutex<HashMap<String, broadcast::Sender<Arc<pb::BoardEvent>>>>>;

/// Why a screen cannot watch now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchRefused {
    /// The centre already has its most screens on this replica
    /// ([`BoardOptions::max_watchers_per_center`]).
    #[error("centre `{0}` already has as many screens watching as this server allows")]
    CenterFull(String),
    /// This replica already serves its most screens ([`BoardOptions::max_watchers`]).
    #[error("this server already has as many screens watching as it allows")]
    ProcessFull,
}

/// A screen's place on a centre's live feed; the centre's channel goes when its last
/// watcher is dropped.
#[derive(Debug)]
pub struct Watcher {
    rx: broadcast::Receiver<Arc<pb::BoardEvent>>,
    center_id: String,
    channels: Channels,
}

impl Watcher {
    /// The next event, as [`broadcast::Receiver::recv`].
    pub async fn recv(&mut self) -> Result<Arc<pb::BoardEvent>, broadcast::error::RecvError> {
        self.rx.recv().await
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let mut channels = self.channels.lock().expect("board lock");
        // this watcher's receiver still counts until the end of drop
        if channels
            .get(&self.center_id)
            .is_some_and(|tx| tx.receiver_count() <= 1)
        {
            channels.remove(&self.center_id);
        }
    }
}

/// The board hub of this process.
#[derive(Clone, Debug)]
pub struct Board {
    channels: Channels,
    input: mpsc::UnboundedSender<HubInput>,
    redis: Option<redis_fanout::Publisher>,
    caps: (usize, usize),
}

impl Board {
    /// Starts the hub (and the Redis subscriber when configured).
    pub async fn start(store: Store, options: BoardOptions) -> Result<Self, String> {
        let (input, rx) = mpsc::unbounded_channel();
        let channels = Arc::new(Mutex::new(HashMap::new()));
        let redis = match &options.redis_url {
            Some(url) => {
                let prefix = redis_fanout::channel_prefix(&options.namespace);
                let publisher = redis_fanout::Publisher::connect(url, prefix.clone()).await?;
                redis_fanout::spawn_subscriber(url.clone(), prefix, input.clone()).await?;
                Some(publisher)
            }
            None => None,
        };
        let hub = Hub {
            store,
            channels: channels.clone(),
            last: HashMap::new(),
        };
        tokio::spawn(hub.run(rx, options.catch_up_every));
        Ok(Self {
            channels,
            input,
            redis,
            caps: (options.max_watchers_per_center, options.max_watchers),
        })
    }

    /// Receives every event of `center_id` from now on, in sequence order. The caller
    /// checks that the centre exists; the number of watchers is capped per centre and
    /// per process.
    pub fn subscribe(&self, center_id: &str) -> Result<Watcher, WatchRefused> {
        let mut channels = self.channels.lock().expect("board lock");
        let total: usize = channels.values().map(|tx| tx.receiver_count()).sum();
        let (per_center, most) = self.caps;
        if total >= most {
            return Err(WatchRefused::ProcessFull);
        }
        let tx = channels
            .entry(center_id.to_string())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0);
        if tx.receiver_count() >= per_center {
            return Err(WatchRefused::CenterFull(center_id.to_string()));
        }
        Ok(Watcher {
            rx: tx.subscribe(),
            center_id: center_id.to_string(),
            channels: self.channels.clone(),
        })
    }

    /// Centres with a live channel on this replica (each has at least one watcher).
    pub fn channel_count(&self) -> usize {
        self.channels.lock().expect("board lock").len()
    }

    /// Publishes events just committed on this replica.
    pub fn publish(&self, rows: Vec<BoardEventRow>) {
        if rows.is_empty() {
            return;
        }
        let events: Vec<pb::BoardEvent> = rows.into_iter().map(board_event_to_pb).collect();
        if let Some(redis) = &self.redis {
            redis.publish(&events);
        }
        let _ = self.input.send(HubInput::Events(events));
    }

    /// Tells the hub a screen of `center_id` is up to date to `seq`, so the hub's
    /// database catch-up starts there for a centre it has not seen yet.
    pub fn watching(&self, center_id: &str, seq: i64) {
        let _ = self.input.send(HubInput::Watching {
            center: center_id.to_string(),
            seq,
        });
    }
}

struct Hub {
    store: Store,
    channels: Channels,
    last: HashMap<String, i64>,
}

impl Hub {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<HubInput>, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                input = rx.recv() => match input {
                    Some(HubInput::Events(batch)) => {
                        for event in batch {
                            self.deliver(event).await;
                        }
                    }
                    Some(HubInput::Watching { center, seq }) => {
                        self.last.entry(center).or_insert(seq);
                    }
                    None => return,
                },
                _ = tick.tick() => self.catch_up().await,
            }
        }
    }

    fn send(&self, event: pb::BoardEvent) {
        let channels = self.channels.lock().expect("board lock");
        if let Some(tx) = channels.get(&event.center_id) {
            let _ = tx.send(Arc::new(event));
        }
    }

    /// Delivers `event` after any events missing before it.
    async fn deliver(&mut self, event: pb::BoardEvent) {
        let last = *self
            .last
            .entry(event.center_id.clone())
            .or_insert(event.sequence - 1);
        if event.sequence <= last {
            return;
        }
        if event.sequence > last + 1 {
            self.fill(&event.center_id, last, event.sequence - 1).await;
        }
        self.last.insert(event.center_id.clone(), event.sequence);
        self.send(event);
    }

    /// Sends `(after, upto]` from the database.
    async fn fill(&mut self, center_id: &str, after: i64, upto: i64) {
        match read::events_between(&self.store, center_id, after, upto).await {
            Ok(rows) => {
                for row in rows {
                    self.last.insert(center_id.to_string(), row.seq);
                    self.send(board_event_to_pb(row));
                }
            }
            Err(e) => {
                tracing::warn!(center_id, error = %e, "board: cannot fill a gap from the database")
            }
        }
    }

    async fn catch_up(&mut self) {
        let watched: Vec<String> = {
            let channels = self.channels.lock().expect("board lock");
            channels
                .iter()
                .filter(|(_, tx)| tx.receiver_count() > 0)
                .map(|(c, _)| c.clone())
                .collect()
        };
        if watched.is_empty() {
            return;
        }
        let heads = match read::board_heads(&self.store).await {
            Ok(heads) => heads,
            Err(e) => {
                tracing::warn!(error = %e, "board: catch-up read failed");
                return;
            }
        };
        for (center_id, head) in heads {
            if !watched.contains(&center_id) {
                continue;
            }
            // a centre whose screens have not reported yet is left for the next tick
            if let Some(last) = self.last.get(&center_id).copied()
                && head > last
            {
                self.fill(&center_id, last, head).await;
            }
        }
    }
}
