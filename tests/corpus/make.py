#!/usr/bin/env python3
"""Writes tests/corpus/requests.jsonl, the bad-input corpus `tests/corpus.rs` replays on SQLite
and on PostgreSQL (security issue 14): every form and every query or path parameter of every
route, each with bad values one field at a time (the other fields valid), plus what goes wrong
with a whole request (wrong content type, huge body, repeated parameters, missing, forged or
doubled CSRF tokens, other participants' ids). Run it again after adding a route or a field:

    python3 tests/corpus/make.py

A line is one request:
  as      anonymous | publisher | manager | administrator (who sends it)
  method  GET | POST
  path    with placeholders the replay fills in: {lang}, {own_channel}, {other_channel},
          {own_participant}, {other_participant}, {other_notice}, {token}
  lang    nl | en (also sent as Accept-Language)
  form    [[name, value], ...] sent as application/x-www-form-urlencoded; values may hold
          {long} (10,000 characters) and {huge} (3 MB)
  raw     a body sent as it is, with `type` as its content type; raw_hex for bytes
  csrf    valid | missing | forged | twice (a valid and a forged token) — for forms
"""

import json
import os

LONG = "{long}"
BAD_VALUES = [
    ("long", LONG),
    ("nul", "a\u0000b"),
    ("lookalike", "p\u0430yp\u0430l@ex\u0430mple.com"),
    ("html", "<script>alert(1)</script><img src=x onerror=alert(2)>"),
    ("sql", "' OR '1'='1' --; DROP TABLE accounts"),
    ("controls", "\u202eevil\u0007\u0008\u001b[31m"),
    ("empty", ""),
    ("spaces", "   \t  "),
    ("number", "-99999999999999999999999"),
]
# Raw bytes that are not UTF-8, percent-encoded in a form body.
INVALID_UTF8 = "%C3%28%FF%FE"

# Valid values, so that a request fails (or not) because of the one bad field.
VALID = {
    "email": "nieuw@koopjes.nl",
    "password": "zeven groene kikkers springen",
    "password_confirm": "zeven groene kikkers springen",
    "current_password": "zeven groene kikkers springen",
    "website_url": "www.fietsenwinkel-review.nl",
    "channel_name": "Fietsen Review",
    "category": "reviews",
    "promotion_methods": "reviews",
    "participant_kind": "publisher",
    "company_name": "Koopjes B.V.",
    "contact_name": "Anna de Vries",
    "country": "NL",
    "is_platform_seller": "no",
    "accept_rules": "yes",
    "account_holder": "A. de Vries",
    "iban": "NL91 ABNA 0417 1643 00",
    "version": "1",
    "text": "Ik ben het niet eens met deze maatregel.",
    "kind": "warning",
    "reason": "Merknaam in advertentie",
    "clauses": "E.10",
    "deadline": "2026-12-31",
    "amount": "12,50",
    "restriction": "",
    "membership": "",
    "ban": "",
    "request_key": "0" * 32,
    "escalates": "",
    "decision": "reject",
    "period": "2026-11",
    "lang": "nl",
    "administrator": "",
    "day": "2026-12-26",
    "name": "Tweede kerstdag",
    "group": "1",
    "rate": "3,5",
    "effective_from": "2027-01-01",
    "body": "Een nieuwe tekst.",
    "clause": "A.1",
    "summary": "Kort",
    "content": "order_id;status\n1;approved\n",
    "access": "disable",
    "code": "123456",
    "recovery_code": "abcd-efgh-jkmn",
    "email_contact": "",
    "value": "verboden-voorbeeld.nl",
    "term": "merkterm",
    "matching": "whole_word",
    "note_nl": "Alleen na overleg.",
    "note_en": "Only after consultation.",
    "session_window_minutes": "1440",
    "storefront_url": "",
    "summary_en": "Short",
    "summary_nl": "Kort",
    "restore": "approved",
    "file": "2027-01-01,Nieuwjaarsdag",
}

FORMS = [
    # who, path, fields
    ("anonymous", "/{lang}/login", ["email", "password"]),
    ("anonymous", "/{lang}/signup", ["email"]),
    ("anonymous", "/{lang}/signup/resend", ["email"]),
    ("anonymous", "/{lang}/password/forgot", ["email"]),
    ("anonymous", "/{lang}/password/reset/{token}", ["password", "password_confirm"]),
    ("anonymous", "/activate/{token}", ["password"]),
    ("anonymous", "/{lang}/login/code", ["code", "recovery_code"]),
    ("anonymous", "/{lang}/login/enrol", ["code"]),
    ("publisher", "/{lang}/account/second-factor", ["code"]),
    ("publisher", "/{lang}/account/second-factor/off", ["password", "code"]),
    ("publisher", "/{lang}/account/password", ["current_password", "password", "password_confirm"]),
    ("publisher", "/{lang}/account/bank", ["account_holder", "iban", "password"]),
    ("publisher", "/{lang}/account/channels/new",
     ["website_url", "channel_name", "category", "promotion_methods", "is_platform_seller", "storefront_url"]),
    ("publisher", "/{lang}/account/channels/{own_channel}",
     ["website_url", "channel_name", "category", "promotion_methods", "is_platform_seller", "storefront_url"]),
    ("publisher", "/{lang}/account/channels/{other_channel}", ["website_url", "channel_name"]),
    ("publisher", "/{lang}/account/channels/{other_channel}/apply", []),
    ("publisher", "/{lang}/account/rules", ["version"]),
    ("publisher", "/{lang}/account/notices/{other_notice}/objection", ["text"]),
    ("publisher", "/{lang}/account/notices/{other_notice}/cured", []),
    ("manager", "/{lang}/manage/participants/{own_participant}/measures",
     ["kind", "reason", "clauses", "deadline", "amount", "request_key"]),
    ("manager", "/{lang}/manage/participants/{own_participant}/measures/999999/lift", ["reason"]),
    ("manager", "/{lang}/manage/objections/999999/decision", ["decision", "reason", "restore"]),
    ("publisher", "/{lang}/account/objections/commission/999999", ["text"]),
    ("publisher", "/{lang}/account/objections/channel/{other_channel}", ["text"]),
    ("manager", "/{lang}/manage/channels/{own_channel}/review", ["decision", "reason"]),
    ("manager", "/{lang}/manage/commissions/999999/decision", ["decision", "reason"]),
    ("manager", "/{lang}/manage/payouts", ["period"]),
    ("administrator", "/{lang}/manage/managers", ["email", "lang", "administrator"]),
    ("administrator", "/{lang}/manage/managers/999999/role", ["administrator"]),
    ("administrator", "/{lang}/manage/managers/999999/access", ["access"]),
    ("administrator", "/{lang}/manage/holidays", ["day", "name"]),
    ("administrator", "/{lang}/manage/programme/rates", ["group", "rate", "effective_from"]),
    ("administrator", "/{lang}/manage/programme/texts/999999", ["body"]),
    ("administrator", "/{lang}/manage/rules", ["clause", "summary_en", "summary_nl", "body"]),
    # Issue 22: the lists the rules name, reinstatement, typed policies, the holiday import.
    ("administrator", "/{lang}/manage/bans", ["value", "reason"]),
    ("administrator", "/{lang}/manage/bans/999999/lift", ["reason"]),
    ("administrator", "/{lang}/manage/brands", ["term", "matching"]),
    ("administrator", "/{lang}/manage/brands/999999/remove", []),
    ("administrator", "/{lang}/manage/participants/{own_participant}/reinstate", ["reason"]),
    ("administrator", "/{lang}/manage/programme/policies/keyword_marketing", ["value", "note_nl", "note_en"],
     {"value": "closed"}),
    ("administrator", "/{lang}/manage/programme/policies/cookie_period",
     ["value", "note_nl", "note_en", "session_window_minutes"], {"value": "session_based"}),
    ("administrator", "/{lang}/manage/holidays/import", ["file"]),
]

QUERIES = [
    ("publisher", "/{lang}/account/statistics", {"from": "2026-11-01", "to": "2026-11-30", "group": "day"}),
    ("publisher", "/{lang}/account/statistics.csv", {"from": "2026-11-01", "to": "2026-11-30", "group": "week"}),
    ("publisher", "/{lang}/account/links", {"channel": "{own_channel}", "ad": "12", "epi": "blog", "url": ""}),
    ("publisher", "/{lang}/account/links/qr.svg", {"channel": "{own_channel}", "ad": "", "epi": "", "url": ""}),
    ("publisher", "/{lang}/account/commissions/ledger", {"page": "2"}),
    ("manager", "/{lang}/manage/participants", {"q": "anna", "status": "active", "kind": "publisher", "country": "NL"}),
    ("manager", "/{lang}/manage/participants/{own_participant}", {"kind": "warning"}),
    ("manager", "/{lang}/manage/conversions", {"status": "open", "participant": "{own_participant}"}),
    ("administrator", "/{lang}/manage/audit", {"action": "measure", "actor": "beheer", "from": "2026-11-01", "to": "2026-11-30"}),
    ("anonymous", "/click", {"p": "1", "a": "{own_channel}", "ad": "7", "epi": "x", "url": ""}),
]

# Path ids and names that are not this user's, not numbers, or not there.
BAD_IDS = ["{other_channel}", "abc", "-1", "0", "99999999999999999999", "%00", "..%2F..%2Fetc%2Fpasswd",
           "1%20OR%201%3D1", "%E2%80%AE", "1.5"]
PATHS = [
    ("publisher", "/{lang}/account/channels/{id}"),
    ("publisher", "/{lang}/account/notices/{id}"),
    ("manager", "/{lang}/manage/participants/{id}"),
    ("manager", "/{lang}/manage/payouts/{id}/pain001.xml"),
    ("manager", "/{lang}/manage/evidence/{id}"),
    ("anonymous", "/{lang}/programmes/{id}"),
    ("anonymous", "/{lang}/programmes/{id}/rules"),
    ("anonymous", "/{lang}/programmes/aliexpress/rules/v/{id}"),
    ("publisher", "/{lang}/account/objections/{id}/1"),
    ("publisher", "/{lang}/account/objections/commission/{id}"),
    ("publisher", "/{lang}/account/objections/channel/{id}"),
    ("anonymous", "/activate/{id}"),
    ("anonymous", "/{lang}/password/reset/{id}"),
    ("publisher", "/{lang}/account/commissions/{id}.csv"),
]


# Numbers in URLs (issue 21, 7): past i64 (and i64 itself, whose page's offset overflows),
# negative, zero, not whole, not decimal. Each route with a number in its path or query gets them
# all; none may answer 5xx (a 404 or a 400, or a page past the last shown as the last).
NUMBERS = ["92233720368547760", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
           "-1", "0", "1e3", "99999999999999999999", "1.5", "0x10", "+1", "%201"]

# Query parameters that are numbers: who, path, the other parameters (valid), the numbers.
NUMBER_QUERIES = [
    ("administrator", "/{lang}/manage/audit", {"action": "measure_taken"}, ["page"]),
    ("administrator", "/{lang}/manage/audit.csv", {}, ["page"]),
    ("manager", "/{lang}/manage/participants", {"q": "anna"}, ["page"]),
    ("manager", "/{lang}/manage/participants", {"share": "10"}, ["share"]),
    ("manager", "/{lang}/manage/participants/{own_participant}", {}, ["escalate"]),
    ("manager", "/{lang}/manage/conversions", {"notice": "import-stored"}, ["participant", "created", "updated", "unchanged"]),
    ("publisher", "/{lang}/account/commissions/ledger", {}, ["page"]),
    ("publisher", "/{lang}/account/links", {"epi": "blog"}, ["channel", "ad"]),
    ("publisher", "/{lang}/account/links/qr.svg", {}, ["channel", "ad"]),
    ("anonymous", "/click", {"p": "1", "a": "{own_channel}"}, ["p", "a", "ad"]),
]

# Paths with a number: who, method, path ({n} the number), form fields (POST).
NUMBER_PATHS = [
    ("publisher", "GET", "/{lang}/account/channels/{n}", None),
    ("publisher", "POST", "/{lang}/account/channels/{n}", ["website_url", "channel_name", "category", "promotion_methods"]),
    ("publisher", "POST", "/{lang}/account/channels/{n}/apply", []),
    ("publisher", "GET", "/{lang}/account/notices/{n}", None),
    ("publisher", "GET", "/{lang}/account/notices/{n}/evidence/{n}", None),
    ("publisher", "GET", "/{lang}/account/notices/{other_notice}/evidence/{n}", None),
    ("publisher", "POST", "/{lang}/account/notices/{n}/objection", ["text"]),
    ("publisher", "POST", "/{lang}/account/notices/{n}/cured", ["text"]),
    ("anonymous", "GET", "/{lang}/objection/{n}/" + "a" * 43, None),
    ("anonymous", "POST", "/{lang}/objection/{n}/" + "a" * 43, ["text"]),
    ("manager", "GET", "/{lang}/manage/participants/{n}", None),
    ("manager", "POST", "/{lang}/manage/participants/{n}/measures", ["kind", "reason", "clauses", "request_key"]),
    ("manager", "POST", "/{lang}/manage/participants/{own_participant}/measures/{n}/lift", ["reason"]),
    ("manager", "POST", "/{lang}/manage/participants/{n}/measures/{n}/lift", ["reason"]),
    ("manager", "POST", "/{lang}/manage/participants/{own_participant}/measures/{n}/cure", ["reason"]),
    ("manager", "POST", "/{lang}/manage/objections/{n}/decision", ["decision", "reason"]),
    ("manager", "POST", "/{lang}/manage/commissions/{n}/decision", ["decision", "reason"]),
    ("manager", "POST", "/{lang}/manage/channels/{n}/review", ["decision", "reason"]),
    ("manager", "POST", "/{lang}/manage/memberships/{n}/review", ["decision", "reason"]),
    ("manager", "GET", "/{lang}/manage/payouts/{n}/pain001.xml", None),
    ("manager", "GET", "/{lang}/manage/evidence/{n}", None),
    ("administrator", "POST", "/{lang}/manage/managers/{n}/role", ["administrator"]),
    ("administrator", "POST", "/{lang}/manage/managers/{n}/access", ["access"]),
    ("administrator", "POST", "/{lang}/manage/programme/contacts/{n}", ["name", "email_contact"]),
    ("administrator", "POST", "/{lang}/manage/programme/texts/{n}", ["body"]),
    ("administrator", "POST", "/{lang}/manage/holidays/{n}/remove", []),
    ("publisher", "GET", "/{lang}/account/commissions/{n}.csv", None),
    ("anonymous", "GET", "/{lang}/programmes/aliexpress/rules/v/{n}", None),
    ("publisher", "GET", "/{lang}/account/objections/commission/{n}", None),
    ("publisher", "POST", "/{lang}/account/objections/membership/{n}", ["text"]),
    ("publisher", "GET", "/{lang}/account/objections/ban/{n}/evidence/{n}", None),
    ("anonymous", "GET", "/{lang}/objection/ban/{n}/" + "a" * 43, None),
    ("anonymous", "POST", "/{lang}/objection/ban/{n}/" + "a" * 43, ["text"]),
    ("administrator", "POST", "/{lang}/manage/bans/{n}/lift", ["reason"]),
    ("administrator", "POST", "/{lang}/manage/brands/{n}/remove", []),
    ("administrator", "POST", "/{lang}/manage/participants/{n}/reinstate", ["reason"]),
]


def main():
    requests = []

    def add(**request):
        request.setdefault("csrf", "valid")
        requests.append(request)

    langs = ["nl", "en"]
    for n, entry in enumerate(FORMS):
        who, path, fields = entry[:3]
        own_values = entry[3] if len(entry) > 3 else {}
        lang = langs[n % 2]
        valid = [[f, own_values.get(f, VALID[f])] for f in fields]
        # Each field bad in turn.
        for field in fields:
            for i, (_, bad) in enumerate(BAD_VALUES):
                form = [[f, bad if f == field else v] for f, v in valid]
                add(**{"as": who, "method": "POST", "path": path, "lang": langs[(n + i) % 2], "form": form})
            raw = "&".join(
                f"{f}={INVALID_UTF8 if f == field else v.replace(' ', '+')}" for f, v in valid
            )
            add(**{"as": who, "method": "POST", "path": path, "lang": lang, "raw": "csrf_token={csrf}&" + raw,
                   "type": "application/x-www-form-urlencoded"})
        # What goes wrong with the whole request.
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "form": valid, "csrf": "missing"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "form": valid, "csrf": "forged"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "form": valid, "csrf": "twice"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "form": valid + valid[:1] + [["extra", "x"]]})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang,
               "form": [[f, "{huge}"] for f, _ in valid] or [["filler", "{huge}"]]})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang,
               "raw": json.dumps(dict(valid)), "type": "application/json"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "raw": "csrf_token={csrf}", "type": "text/plain"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "raw": "", "type": "multipart/form-data"})
        add(**{"as": who, "method": "POST", "path": path, "lang": lang, "raw": "%%%&&&===", "type":
               "application/x-www-form-urlencoded"})
    for n, (who, path, query) in enumerate(QUERIES):
        for name in query:
            for i, (_, bad) in enumerate(BAD_VALUES):
                if bad == LONG:
                    bad = "x" * 3000  # a URL, not a body: long, within what servers take
                add(**{"as": who, "method": "GET", "path": path, "lang": langs[(n + i) % 2],
                       "query": [[k, bad if k == name else v] for k, v in query.items()]})
            add(**{"as": who, "method": "GET", "path": path, "lang": langs[n % 2],
                   "query": list(query.items()) + [[name, "2"], [name, "<b>"]]})
        add(**{"as": who, "method": "GET", "path": path + "?%FF%FE=%C3%28&&&=", "lang": langs[n % 2]})
    for n, (who, path) in enumerate(PATHS):
        for i, bad in enumerate(BAD_IDS):
            add(**{"as": who, "method": "GET", "path": path.replace("{id}", bad), "lang": langs[(n + i) % 2]})
    for n, (who, path, others, names) in enumerate(NUMBER_QUERIES):
        for name in names:
            for i, number in enumerate(NUMBERS):
                query = [[k, v] for k, v in others.items()] + [[name, number]]
                add(**{"as": who, "method": "GET", "path": path, "lang": langs[(n + i) % 2], "query": query})
    for n, (who, method, path, fields) in enumerate(NUMBER_PATHS):
        for i, number in enumerate(NUMBERS):
            request = {"as": who, "method": method, "path": path.replace("{n}", number),
                       "lang": langs[(n + i) % 2]}
            if fields is not None:
                request["form"] = [[f.removesuffix("_contact"), VALID[f]] for f in fields]
            add(**request)
    # The conversion API: JSON bodies that are not what it takes.
    for i, body in enumerate(['', '{', '[]', 'null', '{"order_id": null}', '{"order_id": "' + "9" * 5000 + '"}',
                              '{"order_id": "a\\u0000b", "amount": "1e999"}', '{"amount": -1}',
                              '{"click_id": "<script>", "order_id": "1", "amount": "10.00", "currency": "EUR"}']):
        add(**{"as": "anonymous", "method": "POST", "path": "/api/v1/conversions", "lang": langs[i % 2],
               "raw": body, "type": "application/json", "csrf": "missing"})
    for i, bad in enumerate(["text/plain", "application/xml", "application/x-www-form-urlencoded"]):
        add(**{"as": "anonymous", "method": "POST", "path": "/api/v1/conversions", "lang": langs[i % 2],
               "raw": "order_id=1&amount=10", "type": bad, "csrf": "missing"})
    # Logging out without a token or with a forged one.
    for csrf in ["missing", "forged"]:
        add(**{"as": "publisher", "method": "POST", "path": "/logout", "lang": "nl", "form": [], "csrf": csrf})

    out = os.path.join(os.path.dirname(__file__), "requests.jsonl")
    with open(out, "w") as f:
        for request in requests:
            f.write(json.dumps(request, ensure_ascii=False) + "\n")
    print(f"{len(requests)} requests written to {out}")


main()
