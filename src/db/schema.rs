// @generated automatically by Diesel CLI.

diesel::table! {
    account_tokens (id) {
        id -> Int8,
        account_id -> Int8,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> Int8,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        lang -> Text,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    channels (id) {
        id -> Int8,
        participant_id -> Int8,
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
        reviewed_by -> Nullable<Int8>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    clicks (click_id) {
        click_id -> Bytea,
        clicked_at -> Int8,
        day -> Int4,
        programme_id -> Int8,
        channel_id -> Int8,
        participant_id -> Int8,
        ad_id -> Nullable<Int8>,
        epi -> Nullable<Text>,
        ip_hash -> Bytea,
        user_agent_id -> Int8,
        referrer_id -> Nullable<Int8>,
        credited -> Bool,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    commission_group_texts (group_id, lang) {
        group_id -> Int8,
        lang -> Text,
        event_name -> Text,
        scope -> Text,
    }
}

diesel::table! {
    commission_groups (id) {
        id -> Int8,
        programme_id -> Int8,
        code -> Text,
        position -> Int4,
    }
}

diesel::table! {
    commission_rates (id) {
        id -> Int8,
        group_id -> Int8,
        rate_percent -> Text,
        effective_from -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    memberships (id) {
        id -> Int8,
        programme_id -> Int8,
        channel_id -> Int8,
        state -> Text,
        reason -> Nullable<Text>,
        applied_at -> Timestamp,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    participants (id) {
        id -> Int8,
        account_id -> Int8,
        kind -> Text,
        company_name -> Text,
        contact_name -> Text,
        country -> Text,
        created_at -> Timestamp,
        terminated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    programme_contacts (id) {
        id -> Int8,
        programme_id -> Int8,
        role -> Text,
        name -> Text,
        email -> Nullable<Text>,
        position -> Int4,
    }
}

diesel::table! {
    programme_domains (programme_id, domain) {
        programme_id -> Int8,
        domain -> Text,
    }
}

diesel::table! {
    programme_policies (programme_id, key) {
        programme_id -> Int8,
        key -> Text,
        value -> Text,
        position -> Int4,
    }
}

diesel::table! {
    programme_texts (id) {
        id -> Int8,
        programme_id -> Int8,
        lang -> Text,
        section -> Text,
        position -> Int4,
        body -> Text,
    }
}

diesel::table! {
    programmes (id) {
        id -> Int8,
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
    rate_limit_events (id) {
        id -> Int8,
        bucket -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    referrers (id) {
        id -> Int8,
        referrer -> Text,
    }
}

diesel::table! {
    registration_bans (id) {
        id -> Int8,
        kind -> Text,
        value -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rule_clauses (id) {
        id -> Int8,
        programme_id -> Int8,
        section_letter -> Text,
        anchor -> Text,
        label -> Text,
        depth -> Int4,
        body -> Text,
        position -> Int4,
    }
}

diesel::table! {
    rule_sections (id) {
        id -> Int8,
        programme_id -> Int8,
        letter -> Text,
        title -> Text,
        position -> Int4,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Text,
        account_id -> Nullable<Int8>,
        state -> Text,
        expires_at -> Timestamp,
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
    user_agents (id) {
        id -> Int8,
        user_agent -> Text,
    }
}

diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(channels -> participants (participant_id));
diesel::joinable!(commission_group_texts -> commission_groups (group_id));
diesel::joinable!(commission_groups -> programmes (programme_id));
diesel::joinable!(commission_rates -> commission_groups (group_id));
diesel::joinable!(memberships -> accounts (decided_by));
diesel::joinable!(memberships -> channels (channel_id));
diesel::joinable!(memberships -> programmes (programme_id));
diesel::joinable!(participants -> accounts (account_id));
diesel::joinable!(programme_contacts -> programmes (programme_id));
diesel::joinable!(programme_domains -> programmes (programme_id));
diesel::joinable!(programme_policies -> programmes (programme_id));
diesel::joinable!(programme_texts -> programmes (programme_id));
diesel::joinable!(rule_clauses -> programmes (programme_id));
diesel::joinable!(rule_sections -> programmes (programme_id));
diesel::joinable!(sessions -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    accounts,
    channels,
    clicks,
    commission_group_texts,
    commission_groups,
    commission_rates,
    memberships,
    participants,
    programme_contacts,
    programme_domains,
    programme_policies,
    programme_texts,
    programmes,
    rate_limit_events,
    referrers,
    registration_bans,
    rule_clauses,
    rule_sections,
    sessions,
    signup_drafts,
    user_agents,
);
