//! The people and things a test starts from, made through the portal's own functions where it
//! has one (signup's `registration::complete`, `channels::create_channel`,
//! `accounts::create_manager`, `accounts::set_administrator`); where it has none — a state only
//! a decision with its reviewer could reach — written with diesel and the typed states, with the
//! reason beside it. Every test's set-up comes from here, not from SQL of its own.

use portal::db::ids::{AccountId, BanId, ChannelId, MembershipId, ParticipantId, ProgrammeId};
use portal::db::AnyConnection;
use portal::i18n::Lang;

use super::{MembershipState, ParticipantKind, ReviewState, TestApp, MANAGER_SECRET};

/// The password of every account the fixtures below create.
pub const PASSWORD: &str = "zeven groene kikkers springen";

static PASSWORD_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    portal::domain::Password::parse(PASSWORD)
        .expect("fixture password")
        .hash()
});

/// The fields of a fixture's channel on `domain`: named after it, promoting with content.
fn channel_fields(domain: &str) -> portal::channels::fields::ChannelFields {
    portal::channels::fields::ChannelFields {
        website: portal::domain::WebsiteUrl::parse(&format!("https://www.{domain}/"))
            .expect("a website"),
        channel_name: format!("Kanaal {domain}"),
        category: "content".into(),
        promotion_methods: vec!["content".into()],
        storefront: None,
    }
}

/// The one channel a participant signed up with.
pub fn only_channel(conn: &mut AnyConnection, participant_id: ParticipantId) -> ChannelId {
    use diesel::prelude::*;
    use portal::db::schema::channels;
    channels::table
        .filter(channels::participant_id.eq(participant_id))
        .select(channels::id)
        .first(conn)
        .unwrap()
}

/// An active participant (`publisher` or `network`) with one channel in `channel_state`, made
/// as signup makes one (account, participant, a screened channel, the rules in force accepted)
/// and activated as its activation link does; on a connection of its own for the tests that run
/// without an app.
pub fn participant(
    conn: &mut AnyConnection,
    email: &str,
    kind: ParticipantKind,
    channel_state: ReviewState,
) -> Participant {
    signed_up(conn, email, kind, channel_state, Lang::Nl)
}

/// `participant`, signed up in `lang` (its mails and notices come in it).
pub fn signed_up(
    conn: &mut AnyConnection,
    email: &str,
    kind: ParticipantKind,
    channel_state: ReviewState,
    lang: Lang,
) -> Participant {
    use portal::auth::account_tokens::{self, Purpose};
    use portal::signup::registration::{self, Outcome, ValidChannel};
    let address = portal::domain::EmailAddress::parse(email).expect("an e-mail address");
    // anna@koopjes.nl → anna-koopjes.nl
    let (local, host) = email.split_once('@').unwrap();
    let domain = format!("{local}-{}.nl", host.split('.').next().unwrap());
    let signup = ValidChannel {
        channel: channel_fields(&domain),
        kind,
        company_name: format!("Bedrijf {email}"),
        contact_name: "Jan Jansen".into(),
        country: "NL".into(),
    };
    let outcome =
        registration::complete(conn, &address, &signup, PASSWORD_HASH.as_str(), lang).unwrap();
    let Outcome::Created { account_id, token } = outcome else {
        panic!("{email} has an account already");
    };
    account_tokens::consume(conn, &token, Purpose::Activation)
        .unwrap()
        .expect("the activation token");
    portal::accounts::activate(conn, account_id).unwrap();
    let participant_id = portal::participants::of_account(conn, account_id)
        .unwrap()
        .expect("the participant")
        .id;
    let channel_id = only_channel(conn, participant_id);
    set_review_state(conn, channel_id, channel_state);
    Participant {
        email: email.to_owned(),
        account_id,
        participant_id,
        channel_id,
    }
}

/// The AliExpress programme's id (the portal's seed).
pub fn programme_id(conn: &mut AnyConnection) -> ProgrammeId {
    use diesel::prelude::*;
    use portal::db::schema::programmes;
    programmes::table
        .filter(programmes::slug.eq("aliexpress"))
        .select(programmes::id)
        .first(conn)
        .unwrap()
}

/// A review's outcome without a review (see `TestApp::set_review_state`).
pub fn set_review_state(conn: &mut AnyConnection, channel_id: ChannelId, state: ReviewState) {
    use diesel::prelude::*;
    use portal::db::schema::channels;
    diesel::update(channels::table.find(channel_id))
        .set(channels::review_state.eq(state))
        .execute(conn)
        .unwrap();
}

/// A participant as signup makes one, active, with one channel.
#[derive(Debug, Clone)]
pub struct Participant {
    pub email: String,
    pub account_id: AccountId,
    pub participant_id: ParticipantId,
    pub channel_id: ChannelId,
}

impl TestApp {
    pub fn programme_id(&self) -> ProgrammeId {
        programme_id(&mut self.conn())
    }

    /// An active participant (`publisher` or `network`) with one channel in `channel_state`:
    /// `participant` on the test's connection.
    pub fn add_participant(
        &self,
        email: &str,
        kind: ParticipantKind,
        channel_state: ReviewState,
    ) -> Participant {
        participant(&mut self.conn(), email, kind, channel_state)
    }

    /// A channel for `domain` (named after it), promoting with content, in `state`: added as
    /// the channel form adds one (screened), then given `state`.
    pub fn add_channel(
        &self,
        participant_id: ParticipantId,
        domain: &str,
        state: ReviewState,
    ) -> ChannelId {
        let channel_id = portal::channels::create_channel(
            &mut self.conn(),
            participant_id,
            &channel_fields(domain),
        )
        .unwrap();
        self.set_review_state(channel_id, state);
        channel_id
    }

    /// A review's outcome without a review: the portal's `decide_channel` needs a manager and
    /// an open review, and a fixture's channel is flagged without a screening note or approved
    /// by nobody, which the portal cannot make — so the state is written here.
    pub fn set_review_state(&self, channel_id: ChannelId, state: ReviewState) {
        set_review_state(&mut self.conn(), channel_id, state);
    }

    /// A membership of the AliExpress programme in `state`. Planted: `channels::apply` asks an
    /// approved channel and makes a pending application, and a decision needs a manager; the
    /// tests put memberships in any state on any channel.
    pub fn add_membership(&self, channel_id: ChannelId, state: MembershipState) -> MembershipId {
        use diesel::prelude::*;
        use portal::db::schema::memberships;
        let programme_id = self.programme_id();
        diesel::insert_into(memberships::table)
            .values((
                memberships::programme_id.eq(programme_id),
                memberships::channel_id.eq(channel_id),
                memberships::state.eq(state),
                memberships::applied_at.eq(portal::db::now()),
            ))
            .returning(memberships::id)
            .get_result(&mut *self.conn())
            .unwrap()
    }

    /// An active publisher (one channel, A.1.g) whose channel is in `channel_state`.
    pub fn add_publisher(&self, email: &str, channel_state: ReviewState) -> Participant {
        self.add_participant(email, ParticipantKind::Publisher, channel_state)
    }

    /// An active network (channels without limit, A.1.f) whose first channel is in
    /// `channel_state`.
    pub fn add_network(&self, email: &str, channel_state: ReviewState) -> Participant {
        self.add_participant(email, ParticipantKind::Network, channel_state)
    }

    /// A publisher whose channel and membership are approved: ready to make links.
    pub fn add_ready_publisher(&self, email: &str) -> Participant {
        self.add_ready_publisher_in(email, Lang::Nl)
    }

    /// `add_ready_publisher`, signed up in `lang`.
    pub fn add_ready_publisher_in(&self, email: &str, lang: Lang) -> Participant {
        let kind = ParticipantKind::Publisher;
        let p = signed_up(&mut self.conn(), email, kind, ReviewState::Approved, lang);
        self.add_membership(p.channel_id, MembershipState::Approved);
        p
    }

    /// A registration ban on `value` (an address or a domain) that an administrator added from
    /// the ban list, without its audit line: `enforcement::bans::put`.
    pub fn add_ban(&self, value: &str, reason: &str) -> BanId {
        use portal::enforcement::bans::{self, Target};
        let target = Target::parse(value).expect("an address or a domain");
        let now = portal::db::now();
        bans::put(&mut self.conn(), &target, reason, None, None, now)
            .unwrap()
            .0
    }

    /// An account manager with the fixtures' password, enrolled in two-step login with
    /// `MANAGER_SECRET` (as if it had scanned the QR code): `log_in` completes its second step.
    pub fn add_manager(&self, email: &str) -> AccountId {
        let id = self.add_manager_without_second_factor(email);
        portal::auth::second_factor::enable_with(
            &mut self.conn(),
            &self.settings.secret_key,
            id,
            MANAGER_SECRET,
        )
        .unwrap();
        id
    }

    /// An account manager as `portal admin create` makes one: not enrolled in two-step login
    /// yet, so its first login leads to the enrolment.
    pub fn add_manager_without_second_factor(&self, email: &str) -> AccountId {
        let address = portal::domain::EmailAddress::parse(email).unwrap();
        portal::accounts::create_manager(
            &mut self.conn(),
            &address,
            PASSWORD_HASH.as_str(),
            portal::i18n::Lang::Nl,
        )
        .unwrap()
    }

    /// An account manager (enrolled as `add_manager` makes one), logged in in a browser of its
    /// own.
    pub async fn manager(&self, email: &str) -> reqwest::Client {
        self.add_manager(email);
        self.client_for(email).await
    }

    /// An administrator (an account manager who also administers), logged in.
    pub async fn administrator(&self, email: &str) -> reqwest::Client {
        let id = self.add_manager(email);
        self.make_administrator(id);
        self.client_for(email).await
    }

    /// Makes account manager `id` an administrator, as `portal admin create --administrator`
    /// does.
    pub fn make_administrator(&self, id: AccountId) {
        portal::accounts::set_administrator(&mut self.conn(), id, true).unwrap();
    }

    /// Ends the participant's collaboration as termination (F.11.e) does, without the measure
    /// (which mails a notice and writes an audit line the test is not about): the state written,
    /// as only the measure writes it.
    pub fn terminate(&self, participant_id: ParticipantId) {
        use diesel::prelude::*;
        use portal::db::schema::participants;
        diesel::update(participants::table.find(participant_id))
            .set(participants::terminated_at.eq(Some(portal::db::now())))
            .execute(&mut *self.conn())
            .unwrap();
    }

    /// The channel declares `methods` as its promotion methods, written here: through the
    /// channel form the change would be screened and end the memberships whose programme forbids
    /// a method (what security.rs tests), and these tests start from a channel that declared
    /// them all along.
    pub fn declare_methods(&self, channel_id: ChannelId, methods: &[&str]) {
        use diesel::prelude::*;
        use portal::db::schema::channels;
        diesel::update(channels::table.find(channel_id))
            .set(channels::promotion_methods.eq(methods.join(",")))
            .execute(&mut *self.conn())
            .unwrap();
    }

    /// Disables account `id` behind the console's back, as an operator at the database would:
    /// `disabled_at` set, its sessions and the audit log untouched (the console's
    /// `set_manager_disabled` ends the sessions and writes an audit line).
    pub fn disable_quietly(&self, id: AccountId) {
        use diesel::prelude::*;
        use portal::db::schema::accounts;
        diesel::update(accounts::table.find(id))
            .set(accounts::disabled_at.eq(Some(portal::db::now())))
            .execute(&mut *self.conn())
            .unwrap();
    }

    /// The programme's days to validate an order (its contract with the advertiser), written
    /// here: the portal takes them from the programme's seed and has no form for them.
    pub fn set_validation_days(&self, days: i32) {
        use diesel::prelude::*;
        use portal::db::schema::programmes;
        diesel::update(programmes::table)
            .set(programmes::validation_days.eq(days))
            .execute(&mut *self.conn())
            .unwrap();
    }

    /// The programme's session window after a click, written here without the cookie-period
    /// policy the console's form changes with it (and its audit line).
    pub fn set_session_window(&self, minutes: i32) {
        use diesel::prelude::*;
        use portal::db::schema::programmes;
        diesel::update(programmes::table)
            .set(programmes::session_window_minutes.eq(minutes))
            .execute(&mut *self.conn())
            .unwrap();
    }

    /// The membership of the AliExpress programme of `channel_id` (the one `add_ready_publisher`
    /// made).
    pub fn membership_of(&self, channel_id: ChannelId) -> MembershipId {
        use diesel::prelude::*;
        use portal::db::schema::memberships;
        memberships::table
            .filter(memberships::channel_id.eq(channel_id))
            .select(memberships::id)
            .first(&mut *self.conn())
            .unwrap()
    }
}

/// Where most console tests start: the app, an account manager logged in
/// (beheer@partnerlink.nl) and Anna (anna@example.nl), a publisher ready to make links.
pub async fn manager_and_anna() -> (TestApp, reqwest::Client, Participant) {
    let app = super::spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    (app, boss, anna)
}
