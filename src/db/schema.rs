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
        administrator -> Bool,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamp,
        actor_id -> Nullable<Int8>,
        actor -> Text,
        ip_hash -> Nullable<Text>,
        action -> Text,
        subject -> Text,
        participant_id -> Nullable<Int8>,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    bank_accounts (id) {
        id -> Int8,
        participant_id -> Int8,
        iban -> Text,
        holder -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bank_files (id) {
        id -> Int8,
        run_id -> Int8,
        message_id -> Text,
        created_at -> Timestamp,
        transactions -> Int4,
        control_sum -> Int8,
        sha256 -> Text,
        xml -> Text,
    }
}

diesel::table! {
    brand_terms (id) {
        id -> Int8,
        term -> Text,
        matching -> Text,
        added_by -> Nullable<Int8>,
        created_at -> Timestamp,
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
        platform_seller -> Bool,
        storefront_url -> Nullable<Text>,
    }
}

diesel::table! {
    click_days (channel_id, day, epi, credited, reason, programme_id) {
        channel_id -> Int8,
        day -> Int4,
        epi -> Text,
        credited -> Bool,
        reason -> Text,
        programme_id -> Int8,
        participant_id -> Int8,
        clicks -> Int4,
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
    commission_events (id) {
        id -> Int8,
        commission_id -> Int8,
        state -> Text,
        amount -> Int8,
        reason -> Nullable<Text>,
        source -> Text,
        decided_by -> Nullable<Int8>,
        at -> Timestamp,
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
    commissions (id) {
        id -> Int8,
        conversion_id -> Int8,
        participant_id -> Int8,
        kind -> Text,
        reverses_id -> Nullable<Int8>,
        rate_percent -> Text,
        amount -> Int8,
        currency -> Text,
        state -> Text,
        reason -> Nullable<Text>,
        held -> Bool,
        locks_at -> Timestamp,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversions (id) {
        id -> Int8,
        programme_id -> Int8,
        order_ref -> Text,
        click_ref -> Text,
        participant_id -> Nullable<Int8>,
        channel_id -> Nullable<Int8>,
        group_id -> Int8,
        currency -> Text,
        order_amount -> Int8,
        returned_amount -> Int8,
        coupon_redeemed -> Bool,
        order_status -> Text,
        attribution -> Text,
        occurred_at -> Timestamp,
        received_at -> Timestamp,
        updated_at -> Timestamp,
        entered_via -> Text,
        secret_id -> Nullable<Int8>,
        imported_by -> Nullable<Int8>,
        coupon_codes -> Text,
        in_stock -> Nullable<Bool>,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name -> Text,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Int8,
        participant_id -> Int8,
        kind -> Text,
        amount -> Int8,
        currency -> Text,
        commission_id -> Nullable<Int8>,
        payout_id -> Nullable<Int8>,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        measure_id -> Nullable<Int8>,
        objection_id -> Nullable<Int8>,
    }
}

diesel::table! {
    login_addresses (account_id, ip_hash) {
        account_id -> Int8,
        ip_hash -> Bytea,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    mail_queue (id) {
        id -> Int8,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamp,
        attempts -> Int4,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    measure_clauses (measure_id, position) {
        measure_id -> Int8,
        position -> Int4,
        citation -> Text,
        anchor -> Text,
        body -> Text,
    }
}

diesel::table! {
    measures (id) {
        id -> Int8,
        participant_id -> Int8,
        kind -> Text,
        reason -> Text,
        rules_version_id -> Int8,
        deadline -> Nullable<Date>,
        amount -> Nullable<Int8>,
        currency -> Nullable<Text>,
        restriction -> Nullable<Text>,
        membership_id -> Nullable<Int8>,
        ban_email -> Nullable<Text>,
        ban_domain -> Nullable<Text>,
        escalates_id -> Nullable<Int8>,
        request_key -> Text,
        taken_by -> Int8,
        taken_at -> Timestamp,
        claim_until -> Date,
        read_at -> Nullable<Timestamp>,
        cured_text -> Nullable<Text>,
        cured_at -> Nullable<Timestamp>,
        cure_decision -> Nullable<Text>,
        cure_decided_by -> Nullable<Int8>,
        cure_decided_at -> Nullable<Timestamp>,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<Int8>,
        lift_reason -> Nullable<Text>,
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
    objection_files (id) {
        id -> Int8,
        objection_id -> Int8,
        file_name -> Text,
        content_type -> Text,
        size -> Int8,
        stored_as -> Text,
        sha256 -> Text,
    }
}

diesel::table! {
    objections (id) {
        id -> Int8,
        participant_id -> Int8,
        text -> Text,
        filed_at -> Timestamp,
        due_on -> Date,
        decision -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamp>,
        subject_kind -> Text,
        subject_id -> Int8,
        restored_to -> Nullable<Text>,
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
    payout_runs (id) {
        id -> Int8,
        period -> Text,
        started_at -> Timestamp,
        started_by -> Nullable<Int8>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    payouts (id) {
        id -> Int8,
        run_id -> Int8,
        participant_id -> Int8,
        amount -> Int8,
        currency -> Text,
        iban -> Text,
        holder -> Text,
        created_at -> Timestamp,
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
        note_nl -> Nullable<Text>,
        note_en -> Nullable<Text>,
    }
}

diesel::table! {
    programme_secrets (id) {
        id -> Int8,
        programme_id -> Int8,
        secret -> Text,
        created_at -> Timestamp,
        retires_at -> Nullable<Timestamp>,
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
        validation_days -> Int4,
        payout_threshold -> Int8,
        session_window_minutes -> Int4,
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
    recovery_codes (id) {
        id -> Int8,
        account_id -> Int8,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
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
        measure_id -> Nullable<Int8>,
        added_by -> Nullable<Int8>,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<Int8>,
        lift_reason -> Nullable<Text>,
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
    rules_acceptances (participant_id, version_id) {
        participant_id -> Int8,
        version_id -> Int8,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    rules_versions (id) {
        id -> Int8,
        programme_id -> Int8,
        number -> Int4,
        summary -> Text,
        clauses -> Text,
        published_at -> Timestamp,
        published_by -> Nullable<Int8>,
        summary_nl -> Text,
    }
}

diesel::table! {
    second_factors (account_id) {
        account_id -> Int8,
        secret -> Text,
        last_step -> Int8,
        enabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
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
    signatures_seen (signature) {
        signature -> Text,
        signed_at -> Int8,
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
diesel::joinable!(audit_log -> accounts (actor_id));
diesel::joinable!(audit_log -> participants (participant_id));
diesel::joinable!(bank_accounts -> participants (participant_id));
diesel::joinable!(bank_files -> payout_runs (run_id));
diesel::joinable!(brand_terms -> accounts (added_by));
diesel::joinable!(channels -> participants (participant_id));
diesel::joinable!(commission_events -> accounts (decided_by));
diesel::joinable!(commission_events -> commissions (commission_id));
diesel::joinable!(commission_group_texts -> commission_groups (group_id));
diesel::joinable!(commission_groups -> programmes (programme_id));
diesel::joinable!(commission_rates -> commission_groups (group_id));
diesel::joinable!(commissions -> conversions (conversion_id));
diesel::joinable!(commissions -> participants (participant_id));
diesel::joinable!(conversions -> accounts (imported_by));
diesel::joinable!(conversions -> channels (channel_id));
diesel::joinable!(conversions -> commission_groups (group_id));
diesel::joinable!(conversions -> participants (participant_id));
diesel::joinable!(conversions -> programme_secrets (secret_id));
diesel::joinable!(conversions -> programmes (programme_id));
diesel::joinable!(ledger_entries -> commissions (commission_id));
diesel::joinable!(ledger_entries -> measures (measure_id));
diesel::joinable!(ledger_entries -> objections (objection_id));
diesel::joinable!(ledger_entries -> participants (participant_id));
diesel::joinable!(ledger_entries -> payouts (payout_id));
diesel::joinable!(login_addresses -> accounts (account_id));
diesel::joinable!(measure_clauses -> measures (measure_id));
diesel::joinable!(measures -> memberships (membership_id));
diesel::joinable!(measures -> participants (participant_id));
diesel::joinable!(measures -> rules_versions (rules_version_id));
diesel::joinable!(memberships -> accounts (decided_by));
diesel::joinable!(memberships -> channels (channel_id));
diesel::joinable!(memberships -> programmes (programme_id));
diesel::joinable!(objection_files -> objections (objection_id));
diesel::joinable!(objections -> accounts (decided_by));
diesel::joinable!(objections -> participants (participant_id));
diesel::joinable!(participants -> accounts (account_id));
diesel::joinable!(payout_runs -> accounts (started_by));
diesel::joinable!(payouts -> participants (participant_id));
diesel::joinable!(payouts -> payout_runs (run_id));
diesel::joinable!(programme_contacts -> programmes (programme_id));
diesel::joinable!(programme_domains -> programmes (programme_id));
diesel::joinable!(programme_policies -> programmes (programme_id));
diesel::joinable!(programme_secrets -> programmes (programme_id));
diesel::joinable!(programme_texts -> programmes (programme_id));
diesel::joinable!(recovery_codes -> accounts (account_id));
diesel::joinable!(registration_bans -> measures (measure_id));
diesel::joinable!(rule_clauses -> programmes (programme_id));
diesel::joinable!(rule_sections -> programmes (programme_id));
diesel::joinable!(rules_acceptances -> participants (participant_id));
diesel::joinable!(rules_acceptances -> rules_versions (version_id));
diesel::joinable!(rules_versions -> accounts (published_by));
diesel::joinable!(rules_versions -> programmes (programme_id));
diesel::joinable!(second_factors -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    accounts,
    audit_log,
    bank_accounts,
    bank_files,
    brand_terms,
    channels,
    click_days,
    clicks,
    commission_events,
    commission_group_texts,
    commission_groups,
    commission_rates,
    commissions,
    conversions,
    holidays,
    ledger_entries,
    login_addresses,
    mail_queue,
    measure_clauses,
    measures,
    memberships,
    objection_files,
    objections,
    participants,
    payout_runs,
    payouts,
    programme_contacts,
    programme_domains,
    programme_policies,
    programme_secrets,
    programme_texts,
    programmes,
    rate_limit_events,
    recovery_codes,
    referrers,
    registration_bans,
    rule_clauses,
    rule_sections,
    rules_acceptances,
    rules_versions,
    second_factors,
    sessions,
    signatures_seen,
    signup_drafts,
    user_agents,
);
