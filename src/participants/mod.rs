//! Participants (publishers and networks) and the states of their accounts, channels and
//! memberships.

mod states;

pub use states::{MembershipState, ReviewState, Role};
