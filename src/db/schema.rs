// The diesel schema of migrations/. Keep in step with both dialects' migrations; the test
// `schema_matches_migrations` in tests/database.rs queries every column listed here.

diesel::table! {
    programmes (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        advertiser -> Text,
        landing_url -> Text,
        currency -> Text,
        rules_title -> Text,
        rules_updated -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    programme_texts (id) {
        id -> BigInt,
        programme_id -> BigInt,
        lang -> Text,
        section -> Text,
        position -> Integer,
        body -> Text,
    }
}

diesel::table! {
    commission_groups (id) {
        id -> BigInt,
        programme_id -> BigInt,
        code -> Text,
        position -> Integer,
    }
}

diesel::table! {
    commission_group_texts (group_id, lang) {
        group_id -> BigInt,
        lang -> Text,
        event_name -> Text,
        scope -> Text,
    }
}

diesel::table! {
    commission_rates (id) {
        id -> BigInt,
        group_id -> BigInt,
        rate_percent -> Text,
        effective_from -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    programme_policies (programme_id, key) {
        programme_id -> BigInt,
        key -> Text,
        value -> Text,
        position -> Integer,
    }
}

diesel::table! {
    programme_contacts (id) {
        id -> BigInt,
        programme_id -> BigInt,
        role -> Text,
        name -> Text,
        email -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::table! {
    rule_sections (id) {
        id -> BigInt,
        programme_id -> BigInt,
        letter -> Text,
        title -> Text,
        position -> Integer,
    }
}

diesel::table! {
    rule_clauses (id) {
        id -> BigInt,
        programme_id -> BigInt,
        section_letter -> Text,
        anchor -> Text,
        label -> Text,
        depth -> Integer,
        body -> Text,
        position -> Integer,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        lang -> Text,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(programme_texts -> programmes (programme_id));
diesel::joinable!(commission_groups -> programmes (programme_id));
diesel::joinable!(commission_group_texts -> commission_groups (group_id));
diesel::joinable!(commission_rates -> commission_groups (group_id));
diesel::joinable!(programme_policies -> programmes (programme_id));
diesel::joinable!(programme_contacts -> programmes (programme_id));
diesel::joinable!(rule_sections -> programmes (programme_id));
diesel::joinable!(rule_clauses -> programmes (programme_id));

diesel::table! {
    participants (id) {
        id -> BigInt,
        account_id -> BigInt,
        kind -> Text,
        company_name -> Text,
        contact_name -> Text,
        country -> Text,
        created_at -> Timestamp,
        terminated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    channels (id) {
        id -> BigInt,
        participant_id -> BigInt,
        website_url -> Text,
        domain -> Text,
        name -> Text,
        category -> Text,
        promotion_methods -> Text,
        review_state -> Text,
        screening_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        review_reason -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signup_drafts (id) {
        id -> Text,
        lang -> Text,
        email -> Text,
        data -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        account_id -> Nullable<BigInt>,
        state -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    registration_bans (id) {
        id -> BigInt,
        kind -> Text,
        value -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_limit_events (id) {
        id -> BigInt,
        bucket -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(participants -> accounts (account_id));
diesel::joinable!(channels -> participants (participant_id));
diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));

diesel::table! {
    programme_domains (programme_id, domain) {
        programme_id -> BigInt,
        domain -> Text,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        programme_id -> BigInt,
        channel_id -> BigInt,
        state -> Text,
        reason -> Nullable<Text>,
        applied_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clicks (click_id) {
        click_id -> Binary,
        clicked_at -> BigInt,
        day -> Integer,
        programme_id -> BigInt,
        channel_id -> BigInt,
        participant_id -> BigInt,
        ad_id -> Nullable<BigInt>,
        epi -> Nullable<Text>,
        ip_hash -> Binary,
        user_agent_id -> BigInt,
        referrer_id -> Nullable<BigInt>,
        credited -> Bool,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    user_agents (id) {
        id -> BigInt,
        user_agent -> Text,
    }
}

diesel::table! {
    referrers (id) {
        id -> BigInt,
        referrer -> Text,
    }
}

diesel::joinable!(programme_domains -> programmes (programme_id));
diesel::joinable!(clicks -> user_agents (user_agent_id));
diesel::joinable!(memberships -> programmes (programme_id));
diesel::joinable!(memberships -> channels (channel_id));
diesel::joinable!(clicks -> channels (channel_id));

diesel::allow_tables_to_appear_in_same_query!(
    programmes,
    programme_texts,
    commission_groups,
    commission_group_texts,
    commission_rates,
    programme_policies,
    programme_contacts,
    rule_sections,
    rule_clauses,
    accounts,
    participants,
    channels,
    signup_drafts,
    account_tokens,
    sessions,
    registration_bans,
    rate_limit_events,
    programme_domains,
    memberships,
    clicks,
    user_agents,
    referrers,
);
