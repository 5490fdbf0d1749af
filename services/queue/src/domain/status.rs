//! A ticket's states and the transitions staff and citizens may make.

use std::fmt;

/// Where a ticket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketStatus {
    /// In the queue.
    Waiting,
    /// Called to a counter, not yet there.
    Called,
    /// Being served at a counter.
    Serving,
    /// Set aside by the serving counter (the citizen fetches a document).
    Parked,
    /// Served.
    Done,
    /// Called and did not come.
    NoShow,
    /// Cancelled by the citizen or staff.
    Cancelled,
    /// Still waiting when the centre closed.
    Expired,
}

/// Something done to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A counter calls it.
    Call,
    /// The counter calls it again.
    Recall,
    /// The citizen did not come.
    NoShow,
    /// The citizen is at the counter.
    StartServing,
    /// Service ended.
    Finish,
    /// Sent to another line or counter; waits again.
    Transfer,
    /// Set aside.
    Park,
    /// Back from parked to the counter.
    Resume,
    /// Cancelled.
    Cancel,
    /// Centre closed.
    Expire,
}

impl TicketStatus {
    /// Every status, for tests and tallies.
    pub const ALL: [TicketStatus; 8] = [
        Self::Waiting,
        Self::Called,
        Self::Serving,
        Self::Parked,
        Self::Done,
        Self::NoShow,
        Self::Cancelled,
        Self::Expired,
    ];

    /// The status after `action`, or why it is not allowed.
    pub fn apply(self, action: Action) -> Result<TicketStatus, String> {
        use Action as A;
        use TicketStatus as S;
        let next = match (self, action) {
            (S::Waiting, A::Call) => S::Called,
            (S::Called, A::Recall) => S::Called,
            (S::Called, A::NoShow) => S::NoShow,
            (S::Called, A::StartServing) => S::Serving,
            (S::Serving, A::Finish) => S::Done,
            (S::Called | S::Serving | S::Parked, A::Transfer) => S::Waiting,
            (S::Serving, A::Park) => S::Parked,
            (S::Parked, A::Resume) => S::Serving,
            (S::Waiting | S::Called, A::Cancel) => S::Cancelled,
            (S::Waiting | S::Parked, A::Expire) => S::Expired,
            _ => {
                return Err(format!(
                    "ticket is {}; it cannot be {}",
                    self.describe(),
                    action.describe()
                ));
            }
        };
        Ok(next)
    }

    /// Whether the ticket's life is over.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Done | Self::NoShow | Self::Cancelled | Self::Expired
        )
    }

    /// Whether a counter holds the ticket (called, serving or parked there).
    pub fn is_at_counter(self) -> bool {
        matches!(self, Self::Called | Self::Serving | Self::Parked)
    }

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Parked => "parked",
            Self::Done => "done",
            Self::NoShow => "no_show",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// Parses the stored form.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "being served",
            Self::Parked => "parked",
            Self::Done => "done",
            Self::NoShow => "a no-show",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Self::Call => "called",
            Self::Recall => "recalled",
            Self::NoShow => "marked as a no-show",
            Self::StartServing => "started",
            Self::Finish => "finished",
            Self::Transfer => "transferred",
            Self::Park => "parked",
            Self::Resume => "resumed",
            Self::Cancel => "cancelled",
            Self::Expire => "expired",
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states_accept_nothing() {
        let actions = [
            Action::Call,
            Action::Recall,
            Action::NoShow,
            Action::StartServing,
            Action::Finish,
            Action::Transfer,
            Action::Park,
            Action::Resume,
            Action::Cancel,
            Action::Expire,
        ];
        for status in TicketStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for action in actions {
                assert!(
                    status.apply(action).is_err(),
                    "{status} accepted {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_served_ticket_goes_waiting_called_serving_done() {
        let s = TicketStatus::Waiting.apply(Action::Call).unwrap();
        let s = s.apply(Action::StartServing).unwrap();
        assert_eq!(s.apply(Action::Finish).unwrap(), TicketStatus::Done);
    }

    #[test]
    fn a_waiting_ticket_cannot_be_finished_and_the_error_says_why() {
        let err = TicketStatus::Waiting.apply(Action::Finish).unwrap_err();
        assert!(err.contains("waiting") && err.contains("finished"), "{err}");
    }

    #[test]
    fn stored_form_round_trips() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
    }
}
