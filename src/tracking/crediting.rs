//! Whether a click is credited to its channel (rules E.10.c and F.11.e), as a pure rule: what
//! the link's owner has earned the right to (an approved channel and membership of a participant
//! who is not terminated), then what the visitor did (a bot, a duplicate, too many clicks).
//! The first reason that applies is the one recorded.

use super::abnormal::NotCredited;
use crate::participants::{MembershipState, ReviewState};

/// Why no click on this link is credited, whoever the visitor is.
pub fn link_verdict(
    terminated: bool,
    channel: ReviewState,
    membership: Option<MembershipState>,
) -> Option<NotCredited> {
    if terminated {
        Some(NotCredited::ParticipantTerminated)
    } else if channel != ReviewState::Approved {
        Some(NotCredited::ChannelNotApproved)
    } else if membership != Some(MembershipState::Approved) {
        Some(NotCredited::MembershipNotApproved)
    } else {
        None
    }
}

/// Why this click is not credited: the link's reason first, then a known bot, then what the
/// abnormal-click detector found. `None`: credited.
pub fn click_verdict(
    link: Option<NotCredited>,
    is_bot: bool,
    abnormal: Option<NotCredited>,
) -> Option<NotCredited> {
    link.or(is_bot.then_some(NotCredited::Bot)).or(abnormal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MembershipState as M;
    use ReviewState as R;

    #[test]
    fn only_an_approved_channel_with_an_approved_membership_of_a_live_participant_earns() {
        assert_eq!(link_verdict(false, R::Approved, Some(M::Approved)), None);
        for channel in [R::Pending, R::Flagged, R::Rejected] {
            assert_eq!(
                link_verdict(false, channel, Some(M::Approved)),
                Some(NotCredited::ChannelNotApproved),
                "{channel}"
            );
        }
        for membership in [None, Some(M::Pending), Some(M::Rejected)] {
            assert_eq!(
                link_verdict(false, R::Approved, membership),
                Some(NotCredited::MembershipNotApproved),
                "{membership:?}"
            );
        }
    }

    #[test]
    fn termination_comes_before_every_other_reason() {
        for channel in R::ALL {
            for membership in [None, Some(M::Pending), Some(M::Approved), Some(M::Rejected)] {
                assert_eq!(
                    link_verdict(true, *channel, membership),
                    Some(NotCredited::ParticipantTerminated)
                );
            }
        }
        // A channel that is not approved is named before its membership.
        assert_eq!(
            link_verdict(false, R::Rejected, None),
            Some(NotCredited::ChannelNotApproved)
        );
    }

    #[test]
    fn the_link_reason_comes_first_then_the_bot_then_the_detector() {
        let dup = Some(NotCredited::Duplicate);
        assert_eq!(click_verdict(None, false, None), None);
        assert_eq!(click_verdict(None, false, dup), dup);
        assert_eq!(click_verdict(None, true, dup), Some(NotCredited::Bot));
        assert_eq!(click_verdict(None, true, None), Some(NotCredited::Bot));
        let link = Some(NotCredited::MembershipNotApproved);
        assert_eq!(click_verdict(link, true, dup), link);
        assert_eq!(click_verdict(link, false, None), link);
    }
}
