//! Joins the generated schema cannot know: the click log has no foreign keys on purpose (see its
//! migration), but its ids name rows of these tables all the same.

use super::schema::{channels, clicks, referrers, user_agents};

diesel::joinable!(clicks -> channels (channel_id));
diesel::joinable!(clicks -> user_agents (user_agent_id));
diesel::joinable!(clicks -> referrers (referrer_id));
