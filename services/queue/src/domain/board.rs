//! Kinds of board events.

/// What happened on the floor, as a display screen needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoardKind {
    /// A ticket was called to a counter.
    Called,
    /// A called ticket was called again.
    Recalled,
    /// The citizen is being served.
    Serving,
    /// Service finished.
    Finished,
    /// The citizen did not come.
    NoShow,
    /// A counter opened (or resumed after a pause).
    CounterOpened,
    /// A counter paused.
    CounterPaused,
    /// A counter closed.
    CounterClosed,
    /// Tickets joined or left the queue without a call (issue, transfer, park, cancel, expiry).
    WaitingChanged,
}

impl BoardKind {
    /// Every kind.
    pub const ALL: [BoardKind; 9] = [
        Self::Called,
        Self::Recalled,
        Self::Serving,
        Self::Finished,
        Self::NoShow,
        Self::CounterOpened,
        Self::CounterPaused,
        Self::CounterClosed,
        Self::WaitingChanged,
    ];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Called => "called",
            Self::Recalled => "recalled",
            Self::Serving => "serving",
            Self::Finished => "finished",
            Self::NoShow => "no_show",
            Self::CounterOpened => "counter_opened",
            Self::CounterPaused => "counter_paused",
            Self::CounterClosed => "counter_closed",
            Self::WaitingChanged => "waiting_changed",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}
