#!/usr/bin/env python3
"""Judge the reports of .ci/scan and print a short summary; exit 1 on any finding above "info".

    python3 .ci/scan-report.py target/security

The rules, scanner by scanner:

- Every scanner must have finished within its bound (exit 0, report present): a scan that was
  cut off or crashed proves nothing, so it fails the step like a finding.
- wapiti (wapiti-*.json): every entry of "vulnerabilities" and "anomalies" (500 errors, timeouts)
  whose level is 1 (low) or more is a finding; level 0 is wapiti's "info" and only listed, and
  "additionals" (fingerprints) are informational. One exception, because the scan runs on plain
  http: "Secure Flag cookie" (a cookie without Secure) cannot apply, since a browser keeps no
  Secure cookie from http. The portal sets Secure and the __Host- prefix when its base URL is
  https; that is checked instead on the https-mode headers below.
- sqlmap: any injection point it identified is a finding (its results CSV, the "log" file it
  writes only for a found injection, or "identified the following injection point" / "is
  vulnerable" in its output). Targets it could not test are listed as notes.
- Observatory (observatory.json): every failed test is a finding except the ones that only https
  can pass: HSTS ("hsts-not-implemented-no-https"), redirection to https ("redirection-missing",
  "redirection-not-to-https") and the Secure flag of cookies ("cookies-without-secure-flag",
  "cookies-session-without-secure-flag"). A worse cookie result (no HttpOnly, no SameSite, ...)
  still fails.
- https-mode headers (the same binary with an https base URL): HSTS with max-age of at least six
  months, and every cookie Secure with the __Host- prefix.
- The portal's own log: a 5xx answer or a panic while it was scanned is a finding.
"""
import csv
import glob
import json
import os
import re
import sys

WAPITI_WAIVED_ON_HTTP = {"Secure Flag cookie"}
OBSERVATORY_HTTPS_ONLY = {
    "strict-transport-security": {"hsts-not-implemented-no-https"},
    "redirection": {"redirection-missing", "redirection-not-to-https"},
    "cookies": {"cookies-without-secure-flag", "cookies-session-without-secure-flag"},
}
SIX_MONTHS = 15552000
LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}


def main() -> int:
    out = sys.argv[1] if len(sys.argv) > 1 else "target/security"
    findings: list[str] = []
    notes: list[str] = []
    lines: list[str] = []

    # --- scanners' exit codes and times ------------------------------------------------------
    lines.append("scanner                    exit  seconds (limit)")
    with open(os.path.join(out, "scanners.tsv")) as f:
        for row in csv.reader(f, delimiter="\t"):
            name, rc, secs, limit = row
            lines.append(f"  {name:<24} {rc:>4}  {secs:>5} ({limit})")
            # sqlmap's own --time-limit is 60 s below the hard one; it ends with exit 0 when reached.
            own = int(limit) - 60 if name.startswith("sqlmap-") else int(limit)
            if rc in ("124", "137") or int(secs) >= own:
                findings.append(f"{name}: stopped by its time bound ({own} s), the scan is incomplete")
            elif rc != "0":
                findings.append(f"{name}: exited with {rc} (see {out}/{name}.log)")

    # --- wapiti ------------------------------------------------------------------------------
    lines.append("")
    lines.append("wapiti")
    reports = sorted(glob.glob(os.path.join(out, "wapiti-*.json")))
    if not reports:
        findings.append("wapiti: no report")
    for path in reports:
        name = os.path.basename(path)[: -len(".json")]
        try:
            with open(path) as f:
                report = json.load(f)
        except (OSError, ValueError) as err:
            findings.append(f"{name}: unreadable report ({err})")
            continue
        counted = {"finding": 0, "info": 0, "n/a": 0}
        for section in ("vulnerabilities", "anomalies"):
            for category, entries in report.get(section, {}).items():
                for e in entries:
                    level = int(e.get("level", 0))
                    where = f"{e.get('method', '')} {e.get('path', '')}"
                    if e.get("parameter"):
                        where += f" [{e['parameter']}]"
                    text = f"{name}: {category} ({LEVELS.get(level, level)}) {where}: {e.get('info', '')}"
                    if category in WAPITI_WAIVED_ON_HTTP:
                        counted["n/a"] += 1
                        notes.append(f"{text} -- n/a on http, see the https-mode check")
                    elif level >= 1:
                        counted["finding"] += 1
                        findings.append(text + "\n      " + (e.get("curl_command") or e.get("http_request", "")).replace("\n", "\n      ")[:1500])
                    else:
                        counted["info"] += 1
                        notes.append(text)
        pages = report.get("infos", {}).get("crawled_pages_nbr", "?")
        # Modules stopped by --max-attack-time (or the whole scan by --max-scan-time) covered
        # only part of the pages: a bound by design, shown so that it is seen.
        cut = []
        try:
            with open(os.path.join(out, f"{name}.log"), errors="replace") as f:
                for line in f:
                    m = re.search(r"Max attack time was reached for module (\w+)", line)
                    if m:
                        cut.append(m.group(1))
                    elif "Max scan time was reached" in line:
                        cut.append("the whole scan")
        except OSError:
            pass
        lines.append(
            f"  {name:<24} {pages:>4} pages and forms crawled; findings {counted['finding']}, "
            f"info {counted['info']}, n/a on http {counted['n/a']}"
            + (f"; stopped at their time bound: {', '.join(cut)}" if cut else "")
        )

    # --- sqlmap ------------------------------------------------------------------------------
    lines.append("")
    lines.append("sqlmap")
    runs = sorted(d for d in glob.glob(os.path.join(out, "sqlmap", "*")) if os.path.isdir(d))
    if not runs:
        findings.append("sqlmap: no run")
    for run_dir in runs:
        name = os.path.basename(run_dir)
        found = []
        results = os.path.join(run_dir, "results.csv")
        if os.path.exists(results):
            with open(results, newline="") as f:
                rows = list(csv.reader(f))
            for row in rows[1:]:
                if not row or not any(cell.strip() for cell in row[1:]):
                    continue
                # sqlmap's own second check found the answer to change for another reason (a
                # form that saves what it is sent, shown back on the next page): listed, not
                # counted. An injection it confirms carries no such note and fails the step.
                if "false positive or unexploitable" in row[-1]:
                    notes.append(f"sqlmap-{name}: rejected by sqlmap as a false positive: " + ", ".join(row[:4]))
                else:
                    found.append("results: " + ", ".join(row))
        for log in glob.glob(os.path.join(run_dir, "*", "log")):
            if os.path.getsize(log) > 0:
                with open(log, errors="replace") as f:
                    found.append("log: " + f.read()[:1500])
        tested = set()
        untested = []
        stdout = os.path.join(out, f"sqlmap-{name}.log")
        target = ""
        if os.path.exists(stdout):
            with open(stdout, errors="replace") as f:
                for line in f:
                    m = re.search(r"testing URL '([^']+)'|^(?:GET|POST) (http\S+)", line)
                    if m:
                        target = (m.group(1) or m.group(2)).split("?")[0]
                    m = re.search(r"testing for SQL injection on (\w+ )?parameter '([^']+)'", line)
                    if m:
                        tested.add((target, (m.group(1) or "").strip(), m.group(2)))
                    if "identified the following injection point" in line or re.search(r"\bis vulnerable\b", line):
                        found.append(f"output: {line.strip()}")
                    if "[CRITICAL]" in line:
                        untested.append(f"{target}: {line.split('[CRITICAL]', 1)[1].strip()}")
        finished = os.path.exists(stdout) and "[*] ending @" in open(stdout, errors="replace").read()
        lines.append(
            f"  sqlmap-{name:<17} {len(tested):>4} parameters tested; injection reports {len(found)}"
            + ("" if finished else "; stopped at its --time-limit (partial)")
        )
        if not finished:
            findings.append(f"sqlmap-{name}: did not finish, the scan is incomplete")
        for text in found:
            findings.append(f"sqlmap-{name}: {text}")
        for text in untested:
            notes.append(f"sqlmap-{name}: not tested: {text}")

    # --- Observatory -------------------------------------------------------------------------
    lines.append("")
    lines.append("MDN HTTP Observatory (plain http)")
    try:
        with open(os.path.join(out, "observatory.json")) as f:
            obs = json.load(f)
    except (OSError, ValueError) as err:
        obs = {"error": f"unreadable report ({err})"}
    if "error" in obs or "tests" not in obs:
        findings.append(f"observatory: {obs.get('error', 'no tests in the report')}")
    else:
        scan = obs["scan"]
        lines.append(
            f"  grade {scan['grade']}, score {scan['score']}, {scan['testsPassed']} of "
            f"{scan['testsQuantity']} tests passed (the failed https-only ones are n/a on http)"
        )
        for test, result in sorted(obs["tests"].items()):
            if result.get("pass"):
                continue
            text = f"observatory: {test}: {result.get('result')} (expected {result.get('expectation')})"
            if result.get("result") in OBSERVATORY_HTTPS_ONLY.get(test, set()):
                notes.append(text + " -- n/a on http, see the https-mode check")
            else:
                findings.append(text)

    # --- https-mode headers ------------------------------------------------------------------
    lines.append("")
    lines.append("https mode (base URL https://…, headers of /en/login)")
    try:
        with open(os.path.join(out, "https-mode-headers.txt"), errors="replace") as f:
            headers = [line.rstrip("\r\n") for line in f if ":" in line]
    except OSError:
        headers = []
    hsts = [h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("strict-transport-security:")]
    cookies = [h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("set-cookie:")]
    max_age = None
    if hsts:
        m = re.search(r"max-age=(\d+)", hsts[0])
        max_age = int(m.group(1)) if m else None
    if max_age is None or max_age < SIX_MONTHS:
        findings.append(f"https mode: no HSTS of six months or more ({hsts or 'none'})")
    if not cookies:
        findings.append("https mode: no cookie to check (expected the __Host-portal_csrf nonce)")
    for c in cookies:
        attrs = [a.strip().lower() for a in c.split(";")]
        if not c.startswith("__Host-") or "secure" not in attrs or "httponly" not in attrs:
            findings.append(f"https mode: cookie without __Host-/Secure/HttpOnly: {c[:120]}")
    lines.append(f"  HSTS {hsts[0] if hsts else 'missing'}; cookies: "
                 + ", ".join(c.split("=", 1)[0] + " " + "; ".join(a.strip() for a in c.split(";")[1:]) for c in cookies))

    # --- the portal's log --------------------------------------------------------------------
    lines.append("")
    lines.append("portal log")
    server_errors, panics, csrf_refused, requests_warned = [], [], 0, 0
    try:
        with open(os.path.join(out, "portal.log"), errors="replace") as f:
            for line in f:
                if "panicked" in line:
                    panics.append(line.strip()[:300])
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                fields = entry.get("fields", {})
                if fields.get("message") == "request":
                    requests_warned += 1
                    if int(fields.get("status", 0)) >= 500:
                        server_errors.append(f"{fields.get('method')} {fields.get('path')} -> {fields.get('status')}")
                elif "CSRF" in str(fields.get("message", "")):
                    csrf_refused += 1
    except OSError:
        findings.append("portal log missing")
    lines.append(f"  5xx answers {len(server_errors)}, panics {len(panics)}, "
                 f"posts refused for their CSRF token {csrf_refused} (scanners' forged tokens)")
    for text in sorted(set(server_errors)):
        findings.append(f"portal: {text} ({server_errors.count(text)}x)")
    for text in panics[:5]:
        findings.append(f"portal: {text}")

    # --- summary -----------------------------------------------------------------------------
    print("\n".join(lines))
    if notes:
        print("\nnotes (not failing)")
        for text in notes:
            print(f"  - {text}")
    print()
    if findings:
        print(f"FAILED: {len(findings)} finding(s) above info")
        for text in findings:
            print(f"  - {text}")
        return 1
    print("passed: no finding above info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
